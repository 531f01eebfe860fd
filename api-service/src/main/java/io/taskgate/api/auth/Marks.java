package io.taskgate.api.auth;

import jakarta.ws.rs.container.ResourceInfo;
import java.lang.annotation.Annotation;

/** Reads the access marks of the resource a request is for. */
public final class Marks {

    private Marks() {
    }

    /** The mark on the resource method, or else on its class; null when neither has it. */
    public static <A extends Annotation> A on(ResourceInfo resource, Class<A> mark) {
        if (resource.getResourceMethod() == null) {
            return null;
        }
        A onMethod = resource.getResourceMethod().getAnnotation(mark);
        return onMethod != null ? onMethod : resource.getResourceClass().getAnnotation(mark);
    }
}
