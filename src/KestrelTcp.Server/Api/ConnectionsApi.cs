using KestrelTcp.Server.Automation.Outbound;
using KestrelTcp.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KestrelTcp.Server.Api;

/// <summary>The <c>/api/connections</c> routes: outbound connections (devices that are servers, which KestrelTcp dials).</summary>
internal static class ConnectionsApi
{
    /// <summary>Largest create body (a framing and a target fit in far less).</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public static RouteGroupBuilder MapConnectionsApi(this RouteGroupBuilder api)
    {
        var connections = api.MapGroup("/connections").WithTags("Connections");
        connections.MapGet("/", List).WithName("ListConnections").WithSummary("Every outbound connection with its state, last error, attempts and session.");
        connections.MapGet("/{name}", Get).WithName("GetConnection").WithSummary("One outbound connection.");
        connections.MapPost("/", AddAsync).WithName("AddConnection").WithSummary("Dial a host:port (within AllowedTargets) with a framing, and keep redialling it.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.AddConnection), new RequestSizeLimitAttribute(MaxBodyBytes));
        connections.MapPost("/{name}/start", StartAsync).WithName("StartConnection").WithSummary("Resume dialling a stopped (or kicked) connection.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.StartConnection));
        connections.MapPost("/{name}/stop", StopAsync).WithName("StopConnection").WithSummary("Disconnect and stop dialling.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.StopConnection));
        connections.MapDelete("/{name}", RemoveAsync).WithName("RemoveConnection").WithSummary("Disconnect and forget a connection made through the API.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.RemoveConnection));
        return api;
    }

    private static Ok<OutboundConnectionInfo[]> List(OutboundConnections connections) => TypedResults.Ok(connections.List().ToArray());

    private static Results<Ok<OutboundConnectionInfo>, ProblemHttpResult> Get(string name, OutboundConnections connections) =>
        connections.Find(name) is { } connection
            ? TypedResults.Ok(connection.Snapshot())
            : ApiResults.NotFound($"There is no outbound connection named '{name}'.");

    private static async Task<Results<Created<OutboundConnectionInfo>, ProblemHttpResult>> AddAsync(ConnectionCreateRequest? request, OutboundConnections connections, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        var (options, target, problem) = await CheckAsync(request, connections, http.RequestAborted);
        var name = request?.Name;
        if (problem is not null)
        {
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.AddConnection, AuditResult.Invalid, name, null, null, problem));
            return ApiResults.BadRequest(problem);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.AddConnection, AuditResult.Allowed, name, null, null, $"Dial {target} with {options!.Framing}."));
        if (connections.TryAdd(name!, options, target!, actor.Name) is { } refused)
        {
            return ApiResults.BadRequest(refused);
        }

        return TypedResults.Created($"/api/connections/{Uri.EscapeDataString(name!)}", connections.Find(name!)!.Snapshot());
    }

    private static async Task<(OutboundConnectionOptions? Options, OutboundTarget? Target, string? Problem)> CheckAsync(ConnectionCreateRequest? request, OutboundConnections connections, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return (null, null, "Give a body with name, target and framing.");
        }

        if (!OutboundConnectionValidation.IsValidName(request.Name))
        {
            return (null, null, $"name must be {OutboundConnectionValidation.NameRule}, and not one of {string.Join(", ", OutboundOptions.SettingNames)} (was '{request.Name}').");
        }

        var options = new OutboundConnectionOptions
        {
            Target = request.Target,
            Framing = request.Framing ?? new Protocols.FramingOptions(),
            ReconnectMin = request.ReconnectMinMs is { } min ? TimeSpan.FromMilliseconds(min) : OutboundConnectionOptions.DefaultReconnectMin,
            ReconnectMax = request.ReconnectMaxMs is { } max ? TimeSpan.FromMilliseconds(max) : OutboundConnectionOptions.DefaultReconnectMax,
            IdleTimeout = request.IdleTimeoutMs is { } idle ? TimeSpan.FromMilliseconds(idle) : TimeSpan.Zero,
        };
        var errors = OutboundConnectionValidation.Validate("connection", options, connections.Options.MaxReconnectDelayLimit, out var target);
        if (errors.Count > 0)
        {
            // Named as the body's fields, not the configuration's.
            var text = string.Join(" ", errors).Replace("connection:Target", "target", StringComparison.Ordinal)
                .Replace("connection:Framing", "framing", StringComparison.Ordinal)
                .Replace("connection:ReconnectMin", "reconnectMinMs", StringComparison.Ordinal)
                .Replace("connection:ReconnectMax", "reconnectMaxMs", StringComparison.Ordinal)
                .Replace("connection:IdleTimeout", "idleTimeoutMs", StringComparison.Ordinal);
            return (null, null, text);
        }

        try
        {
            await connections.Dialer.ResolveAllowedAsync(target!, cancellationToken);
        }
        catch (OutboundRefusedException ex)
        {
            return (null, null, $"target: {ex.Message}");
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            return (null, null, $"target: {target!.Host} does not resolve ({ex.Message}).");
        }

        return (options, target, null);
    }

    private static async Task<Results<Ok<OutboundConnectionInfo>, ProblemHttpResult>> StartAsync(string name, OutboundConnections connections, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (connections.Find(name) is not { } connection)
        {
            return await MissingAsync(audit, actor, AuditAction.StartConnection, name);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.StartConnection, AuditResult.Allowed, connection.Name, null, null, $"Resume dialling {connection.Target}."));
        connections.Start(connection);
        return TypedResults.Ok(connection.Snapshot());
    }

    private static async Task<Results<Ok<OutboundConnectionInfo>, ProblemHttpResult>> StopAsync(string name, OutboundConnections connections, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (connections.Find(name) is not { } connection)
        {
            return await MissingAsync(audit, actor, AuditAction.StopConnection, name);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.StopConnection, AuditResult.Allowed, connection.Name, null, null, $"Stop dialling {connection.Target}."));
        await connections.StopAsync(connection, actor.Name).WaitAsync(TimeSpan.FromSeconds(30), http.RequestAborted);
        return TypedResults.Ok(connection.Snapshot());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string name, OutboundConnections connections, AuditLog audit, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        if (connections.Find(name) is not { } connection)
        {
            return await MissingAsync(audit, actor, AuditAction.RemoveConnection, name);
        }

        if (connection.FromConfiguration)
        {
            var problem = $"Connection '{connection.Name}' comes from configuration ({OutboundOptions.SectionName}:{connection.Name}); remove it there, or stop it.";
            await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.RemoveConnection, AuditResult.Invalid, connection.Name, null, null, problem));
            return ApiResults.BadRequest(problem);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(actor, AuditAction.RemoveConnection, AuditResult.Allowed, connection.Name, null, null, $"Remove the connection to {connection.Target}."));
        await connections.RemoveAsync(connection, actor.Name).WaitAsync(TimeSpan.FromSeconds(30), http.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<ProblemHttpResult> MissingAsync(AuditLog audit, Sessions.CommandActor actor, AuditAction action, string name)
    {
        var missing = $"There is no outbound connection named '{name}'.";
        await audit.WriteAsync(AuditEvent.ForCommand(actor, action, AuditResult.NotFound, name, null, null, missing));
        return ApiResults.NotFound(missing);
    }
}
