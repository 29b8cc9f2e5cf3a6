namespace KestrelTcp.Server.Security;

/// <summary>A sign-in, posted as JSON or as a form to <c>/auth/login</c>.</summary>
/// <param name="UserName">The user name.</param>
/// <param name="Password">The password.</param>
/// <param name="ReturnUrl">For form posts: the local page to go to afterwards.</param>
public sealed record LoginRequest(string? UserName, string? Password, string? ReturnUrl = null);
