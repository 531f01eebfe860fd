package io.taskgate.api.auth;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** {@code POST /api/v1/ws-tickets}: a single-use ticket for opening {@code /ws/tasks} from a browser. */
@Path("/api/v1/ws-tickets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tasks")
@SecurityRequirement(name = "apiKey")
public class SocketTicketResource {

    public record IssuedTicket(String ticket, Instant expiresAt, String url) {
    }

    private final SocketTickets tickets;
    private final CurrentCaller caller;

    public SocketTicketResource(SocketTickets tickets, CurrentCaller caller) {
        this.tickets = tickets;
        this.caller = caller;
    }

    @POST
    @RequiresRole(Role.READ)
    @Operation(summary = "Get a WebSocket ticket", description = "Open /ws/tasks?ticket=<ticket> within 30 s; the "
            + "ticket works once and carries this credential's tenant and roles.")
    @APIResponse(responseCode = "201", description = "Issued")
    public Uni<RestResponse<IssuedTicket>> issue() {
        return tickets.issue(caller.get())
                .map(ticket -> RestResponse.status(RestResponse.Status.CREATED, new IssuedTicket(ticket.ticket(),
                        ticket.expiresAt(), "/ws/tasks?ticket=" + ticket.ticket())));
    }
}
