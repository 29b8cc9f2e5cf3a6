using KestrelTcp.Server.Automation.Rules;
using KestrelTcp.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KestrelTcp.Server.Api;

/// <summary>The <c>/api/rules</c> routes: auto-reply rules per listener.</summary>
internal static class RulesApi
{
    /// <summary>Largest rule body: a pattern and a reply at their bounds, as JSON, fit in 64 KiB by default.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static RouteGroupBuilder MapRulesApi(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/rules").WithTags("Rules");
        rules.MapGet("/", List).WithName("ListRules").WithSummary("Auto-reply rules, per listener in match order, with hits.");
        rules.MapGet("/{id:long}", Get).WithName("GetRule").WithSummary("One auto-reply rule.");
        rules.MapPost("/", Create).WithName("CreateRule").WithSummary("Add an auto-reply rule.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.CreateRule, DescribeNewAsync), new RequestSizeLimitAttribute(MaxBodyBytes));
        rules.MapPut("/{id:long}", Update).WithName("UpdateRule").WithSummary("Replace an auto-reply rule (its hits are kept).")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.UpdateRule, DescribeAsync), new RequestSizeLimitAttribute(MaxBodyBytes));
        rules.MapDelete("/{id:long}", Delete).WithName("DeleteRule").WithSummary("Delete an auto-reply rule.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.DeleteRule, DescribeAsync));
        rules.MapPost("/{id:long}/enable", (long id, RuleService service, AuditLog audit, HttpContext http) => SetEnabled(id, true, service, audit, http)).WithName("EnableRule").WithSummary("Enable an auto-reply rule.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.UpdateRule, DescribeAsync));
        rules.MapPost("/{id:long}/disable", (long id, RuleService service, AuditLog audit, HttpContext http) => SetEnabled(id, false, service, audit, http)).WithName("DisableRule").WithSummary("Disable an auto-reply rule.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.UpdateRule, DescribeAsync));
        rules.MapPost("/reorder", Reorder).WithName("ReorderRules").WithSummary("Set the match order of a listener's rules.")
            .RequireAuthorization(AuthorizationPolicies.Operator)
            .WithMetadata(new AuditedAction(AuditAction.ReorderRules, DescribeNewAsync), new RequestSizeLimitAttribute(MaxBodyBytes));
        return api;
    }

    private static Ok<List<RuleInfo>> List(RuleService service, string? listener = null) =>
        TypedResults.Ok(service.List(listener).Select(RuleInfo.From).ToList());

    private static Results<Ok<RuleInfo>, ProblemHttpResult> Get(long id, RuleService service) =>
        service.Get(id) is { } rule ? TypedResults.Ok(RuleInfo.From(rule)) : NotFound(id);

    private static async Task<Results<Created<RuleInfo>, ProblemHttpResult>> Create(RuleRequest request, RuleService service, AuditLog audit, HttpContext http)
    {
        if ((Parse(request, 0, out var definition) ?? service.Validate(definition!, null)) is { } invalid)
        {
            return Problem(invalid);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(ApiResults.Actor(http), AuditAction.CreateRule, AuditResult.Allowed, definition!.Listener, null, null, Describe("Create rule", definition)));

        if (service.Create(definition!, request.Order is not null, out var created) is { } error)
        {
            return Problem(error);
        }

        return TypedResults.Created($"/api/rules/{created!.Rule.Id}", RuleInfo.From(created));
    }

    private static async Task<Results<Ok<RuleInfo>, ProblemHttpResult>> Update(long id, RuleRequest request, RuleService service, AuditLog audit, HttpContext http)
    {
        if (service.Get(id) is not { } existing)
        {
            return NotFound(id);
        }

        request = request with { Order = request.Order ?? existing.Rule.Order };
        if ((Parse(request, id, out var definition) ?? service.Validate(definition!, id)) is { } invalid)
        {
            return Problem(invalid);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(ApiResults.Actor(http), AuditAction.UpdateRule, AuditResult.Allowed, definition!.Listener, null, null, Describe($"Update rule {id}", definition)));
        if (service.Update(definition!, out var found, out var updated) is { } error)
        {
            return Problem(error);
        }

        return found ? TypedResults.Ok(RuleInfo.From(updated!)) : NotFound(id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(long id, RuleService service, AuditLog audit, HttpContext http)
    {
        if (service.Get(id) is not { } existing)
        {
            return NotFound(id);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(ApiResults.Actor(http), AuditAction.DeleteRule, AuditResult.Allowed, existing.Rule.Listener, null, null, Describe($"Delete rule {id}", existing.Rule)));
        return service.Delete(id) ? TypedResults.NoContent() : NotFound(id);
    }

    private static async Task<Results<Ok<RuleInfo>, ProblemHttpResult>> SetEnabled(long id, bool enabled, RuleService service, AuditLog audit, HttpContext http)
    {
        if (service.Get(id) is not { } existing)
        {
            return NotFound(id);
        }

        await audit.WriteAsync(AuditEvent.ForCommand(ApiResults.Actor(http), AuditAction.UpdateRule, AuditResult.Allowed, existing.Rule.Listener, null, null, $"{(enabled ? "Enable" : "Disable")} rule {id}."));
        return service.SetEnabled(id, enabled) is { } rule ? TypedResults.Ok(RuleInfo.From(rule)) : NotFound(id);
    }

    private static async Task<Results<Ok<List<RuleInfo>>, ProblemHttpResult>> Reorder(RuleReorderRequest request, RuleService service, AuditLog audit, HttpContext http)
    {
        if (string.IsNullOrEmpty(request.Listener))
        {
            return Problem(new RuleError("listener", "is required."));
        }

        if (request.Ids is null)
        {
            return Problem(new RuleError("ids", "is required."));
        }

        await audit.WriteAsync(AuditEvent.ForCommand(ApiResults.Actor(http), AuditAction.ReorderRules, AuditResult.Allowed, request.Listener, null, null, $"Reorder rules: {string.Join(", ", request.Ids.Take(100))}."));
        if (service.Reorder(request.Listener, request.Ids) is { } error)
        {
            return Problem(error);
        }

        return TypedResults.Ok(service.List(request.Listener).Select(RuleInfo.From).ToList());
    }

    private static RuleError? Parse(RuleRequest request, long id, out RuleDefinition? definition)
    {
        definition = null;
        if (string.IsNullOrEmpty(request.Listener))
        {
            return new RuleError("listener", "is required.");
        }

        if (!Enum.TryParse<RuleMatchKind>(request.MatchKind, ignoreCase: true, out var match) || !Enum.IsDefined(match) || int.TryParse(request.MatchKind, out _))
        {
            return new RuleError("matchKind", $"must be Equals, Prefix, Contains, Regex or Hex (was '{request.MatchKind}').");
        }

        var replyKind = RuleReplyKind.Text;
        if (request.ReplyKind is not null
            && (!Enum.TryParse(request.ReplyKind, ignoreCase: true, out replyKind) || !Enum.IsDefined(replyKind) || int.TryParse(request.ReplyKind, out _)))
        {
            return new RuleError("replyKind", $"must be Text or Hex (was '{request.ReplyKind}').");
        }

        definition = new RuleDefinition(
            id,
            request.Listener,
            request.Name ?? string.Empty,
            request.Order ?? 0,
            request.Enabled ?? true,
            match,
            request.Pattern ?? string.Empty,
            replyKind,
            request.Reply ?? string.Empty,
            request.Record ?? true);
        return null;
    }

    /// <summary>An audit detail naming the rule; pattern and reply are cut to keep audit rows bounded.</summary>
    private static string Describe(string what, RuleDefinition rule) =>
        $"{what} '{Cut(rule.Name)}' on '{rule.Listener}': {rule.MatchKind} '{Cut(rule.Pattern)}' -> {rule.ReplyKind} '{Cut(rule.Reply)}'{(rule.Record ? string.Empty : " (not recorded)")}{(rule.Enabled ? string.Empty : " (disabled)")}.";

    private static string Cut(string text) => text.Length <= 128 ? text : string.Concat(text.AsSpan(0, 128), "…");

    private static ProblemHttpResult Problem(RuleError error) =>
        TypedResults.Problem(
            detail: $"{error.Field} {error.Message}",
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is not valid.",
            extensions: new Dictionary<string, object?> { ["field"] = error.Field });

    private static ProblemHttpResult NotFound(long id) => ApiResults.NotFound($"There is no rule {id}.");

    private static Task<AuditTarget> DescribeAsync(HttpContext http) =>
        Task.FromResult(new AuditTarget(null, null, null, $"Rule {http.Request.RouteValues["id"]}."));

    private static Task<AuditTarget> DescribeNewAsync(HttpContext http) =>
        Task.FromResult(new AuditTarget(http.Request.Query["listener"].FirstOrDefault(), null, null, "Rules."));
}
