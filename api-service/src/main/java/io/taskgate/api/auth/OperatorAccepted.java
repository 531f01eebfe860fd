package io.taskgate.api.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Beside {@link RequiresRole}: the operator's token is accepted too, for views of the fleet that
 * both a tenant's dashboard and the person on call read (the health figures).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface OperatorAccepted {
}
