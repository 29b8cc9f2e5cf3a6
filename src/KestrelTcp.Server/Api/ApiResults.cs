using KestrelTcp.Server.Security;
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
}
