using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace KestrelTcp.Server.Security;

/// <summary>
/// Writes a Denied audit record when authorization refuses a signed-in caller on an endpoint marked
/// with <see cref="AuditedAction"/> (a Viewer's send, broadcast or kick), then lets the default handler
/// answer 403. The record is written before the answer, like every other audit record.
/// </summary>
internal sealed class AuditingAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    /// <summary>The detail of Denied records.</summary>
    internal const string DeniedDetail = "The Operator role is required.";

    private readonly AuthorizationMiddlewareResultHandler _default = new();
    private readonly AuditLog _audit;
    private readonly ILogger<AuditingAuthorizationResultHandler> _logger;

    public AuditingAuthorizationResultHandler(AuditLog audit, ILogger<AuditingAuthorizationResultHandler> logger)
    {
        _audit = audit;
        _logger = logger;
    }

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>() is { } audited)
        {
            var actor = context.User.ToActor(context.Connection.RemoteIpAddress);
            var target = AuditTarget.Unknown;
            if (audited.DescribeAsync is not null)
            {
                target = await audited.DescribeAsync(context).ConfigureAwait(false);
            }

            _logger.ActionDenied(audited.Action, actor.Name, actor.Role, actor.RemoteAddress);
            await _audit.WriteAsync(AuditEvent.ForCommand(actor, audited.Action, AuditResult.Denied, target.Listener, target.Sessions, target.Payload,
                target.Detail is null ? DeniedDetail : $"{DeniedDetail} {target.Detail}")).ConfigureAwait(false);
        }

        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }
}
