using KestrelTcp.Server.Automation.Webhooks;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KestrelTcp.Server.Api;

/// <summary>
/// <c>/api/webhooks</c>: the endpoints (never their secrets) with their counters, their delivery logs, and
/// adding or removing endpoints (Operator, audited). Endpoints added here last until the server stops;
/// the durable ones are configured (<c>KestrelTcp:Webhooks:Endpoints</c>).
/// </summary>
internal static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapGet("/", (WebhookDispatcher dispatcher) => TypedResults.Ok(dispatcher.Describe())).WithName("ListWebhooks").WithSummary("The webhook endpoints and their counters.");
        webhooks.MapGet("/{name}/deliveries", Deliveries).WithName("WebhookDeliveries").WithSummary("An endpoint's last deliveries, newest first.");
        webhooks.MapPost("/", AddAsync).WithName("AddWebhook").WithSummary("Add a webhook endpoint until the server stops.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.ChangeWebhook), new RequestSizeLimitAttribute(16 * 1024));
        webhooks.MapDelete("/{name}", RemoveAsync).WithName("RemoveWebhook").WithSummary("Remove a webhook endpoint added through the API.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.ChangeWebhook));
        return api;
    }

    private static Results<Ok<WebhookDelivery[]>, ProblemHttpResult> Deliveries(string name, WebhookDispatcher dispatcher) =>
        dispatcher.Find(name) is { } endpoint ? TypedResults.Ok(endpoint.Deliveries()) : ApiResults.NotFound($"There is no webhook '{Cut(name)}'.");

    private static async Task<Results<Created<WebhookEndpointInfo>, ProblemHttpResult>> AddAsync(WebhookRequest request, WebhookDispatcher dispatcher, SessionCommands local, HttpContext http)
    {
        var actor = ApiResults.Actor(http);
        string? error = null;
        Uri? url = null;
        IReadOnlyList<WebhookEventKind>? events = null;
        if (!WebhookDefinition.IsValidName(request.Name))
        {
            error = $"name must be {WebhookDefinition.NameRule}.";
        }
        else if (WebhookDefinition.CheckUrl(request.Url, out url) is { } urlError)
        {
            error = $"url {urlError}.";
        }
        else if (WebhookDefinition.CheckSecret(request.Secret) is { } secretError)
        {
            error = $"secret {secretError}.";
        }
        else if ((events = WebhookDefinition.ParseEvents(request.Events, out var bad)) is null)
        {
            error = $"events: '{bad}' is not one of connect, disconnect, identified, rule.";
        }

        if (error is not null)
        {
            await local.AuditAsync(actor, AuditAction.ChangeWebhook, CommandResult.Invalid(error), null, null, null, null);
            return ApiResults.BadRequest(error);
        }

        await local.AuditAsync(actor, AuditAction.ChangeWebhook, null, null, null, null, $"Add webhook {request.Name} to {url}.");
        if (!dispatcher.TryAdd(request.Name!, url!, request.Secret!, events!, "api", out error))
        {
            return ApiResults.BadRequest(error!);
        }

        return TypedResults.Created($"/api/webhooks/{request.Name}", dispatcher.Find(request.Name!)!.Describe());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string name, WebhookDispatcher dispatcher, SessionCommands local, HttpContext http)
    {
        if (dispatcher.Find(name) is not { } endpoint)
        {
            return ApiResults.NotFound($"There is no webhook '{Cut(name)}'.");
        }

        if (endpoint.Source != "api")
        {
            return ApiResults.Conflict($"Webhook '{name}' is configured (KestrelTcp:Webhooks:Endpoints:{name}): change the configuration to remove it.");
        }

        await local.AuditAsync(ApiResults.Actor(http), AuditAction.ChangeWebhook, null, null, null, null, $"Remove webhook {name}.");
        await dispatcher.RemoveAsync(name);
        return TypedResults.NoContent();
    }

    private static string Cut(string name) => name.Length > 64 ? name[..64] : name;
}
