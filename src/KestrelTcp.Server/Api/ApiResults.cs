using KestrelTcp.Server.Cluster.Routing;
using KestrelTcp.Server.Security;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KestrelTcp.Server.Api;

/// <summary>Maps command outcomes and input errors to HTTP results with ProblemDetails bodies.</summary>
internal static class ApiResults
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid.");

    /// <summary>A 400 naming <c>page</c> or <c>pageSize</c> when one is out of range (page from 1, pageSize
    /// from 1 to <paramref name="maxPageSize"/>); null when both are fine. Shared by every paged list.</summary>
    public static ProblemHttpResult? InvalidPage(int page, int pageSize, int maxPageSize) =>
        page < 1 ? BadRequest($"page must be 1 or more (was {page}).")
        : pageSize < 1 || pageSize > maxPageSize ? BadRequest($"pageSize must be between 1 and {maxPageSize} (was {pageSize}).")
        : null;

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Not possible here.");

    /// <summary>Who is calling: the signed-in user or API key with its role, else "anonymous"; and from where.</summary>
    public static CommandActor Actor(HttpContext http) => http.User.ToActor(http.Connection.RemoteIpAddress);

    public static Results<Accepted<SendResponse>, ProblemHttpResult> FromSend(CommandResult result) => result.Status switch
    {
        CommandStatus.Ok => TypedResults.Accepted((string?)null, new SendResponse(result.Sessions, result.Failed, result.Bytes)),
        CommandStatus.NotFound => NotFound(result.Error!),
        CommandStatus.Forbidden => Forbidden(result.Error!),
        _ => BadRequest(result.Error!),
    };

    /// <summary>A command across the cluster: 202 with what each node made of it when anything was accepted
    /// (or nothing needed to be); 503/504 naming the node when no session was accepted because an owner
    /// gave no answer; refusals as on a single node.</summary>
    public static Results<Accepted<SendResponse>, ProblemHttpResult> FromSend(ClusterCommandResult result) =>
        result.Unanswered is { } node
            ? NodeProblem(node.Node, node.Status, node.Error)
            : result.Result.Status == CommandStatus.Ok
                ? TypedResults.Accepted((string?)null, new SendResponse(result.Result.Sessions, result.Result.Failed, result.Result.Bytes, result.Nodes))
                : FromSend(result.Result);

    /// <summary>A kick across the cluster: 204, or 503/504 naming the owner that gave no answer.</summary>
    public static Results<NoContent, ProblemHttpResult> FromKick(ClusterCommandResult result)
    {
        if (result.Unanswered is { } node)
        {
            return NodeProblem(node.Node, node.Status, node.Error);
        }

        var outcome = result.Result;
        return outcome.Status switch
        {
            CommandStatus.Ok => TypedResults.NoContent(),
            CommandStatus.NotFound => NotFound(outcome.Error!),
            CommandStatus.Forbidden => Forbidden(outcome.Error!),
            _ => BadRequest(outcome.Error!),
        };
    }

    /// <summary>Another node gave no answer: 503 (unreachable, busy), 504 (timeout), 502 (it failed) or
    /// 400 (the request is too large to travel); the body names the node in <c>node</c>.</summary>
    public static ProblemHttpResult NodeProblem(NodeCallException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var (status, title) = failure.Failure switch
        {
            NodeCallFailure.Timeout => (StatusCodes.Status504GatewayTimeout, $"Node {failure.Node} did not answer in time."),
            NodeCallFailure.TooManyInFlight => (StatusCodes.Status503ServiceUnavailable, "Too many commands in flight."),
            NodeCallFailure.TooLarge => (StatusCodes.Status400BadRequest, "The request is too large to travel to another node."),
            NodeCallFailure.Failed => (StatusCodes.Status502BadGateway, $"Node {failure.Node} failed."),
            _ => (StatusCodes.Status503ServiceUnavailable, $"Node {failure.Node} is not reachable."),
        };
        return TypedResults.Problem(detail: failure.Message, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["node"] = failure.Node });
    }

    private static ProblemHttpResult NodeProblem(string node, NodeOutcomeStatus status, string? error) => NodeProblem(new NodeCallException(
        node,
        status switch
        {
            NodeOutcomeStatus.Timeout => NodeCallFailure.Timeout,
            NodeOutcomeStatus.Busy => NodeCallFailure.TooManyInFlight,
            _ => NodeCallFailure.Unreachable,
        },
        error ?? $"Node {node} gave no answer."));
}
