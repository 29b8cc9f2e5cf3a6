using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KestrelTcp.Server.Api;

/// <summary>Maps command outcomes and input errors to HTTP results with ProblemDetails bodies.</summary>
internal static class ApiResults
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid.");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    /// <summary>Who is calling: the signed-in user or API key, else "anonymous".</summary>
    public static CommandActor Actor(HttpContext http) =>
        new(http.User.Identity?.IsAuthenticated == true ? http.User.Identity.Name ?? "unknown" : "anonymous", http.Connection.RemoteIpAddress?.ToString());

    public static Results<Accepted<SendResponse>, ProblemHttpResult> FromSend(CommandResult result) => result.Status switch
    {
        CommandStatus.Ok => TypedResults.Accepted((string?)null, new SendResponse(result.Sessions, result.Failed, result.Bytes)),
        CommandStatus.NotFound => NotFound(result.Error!),
        _ => BadRequest(result.Error!),
    };
}
