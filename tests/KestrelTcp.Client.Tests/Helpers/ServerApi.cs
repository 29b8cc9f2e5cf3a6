using System.Net.Http.Json;
using System.Text.Json;
using KestrelTcp.Testing;

namespace KestrelTcp.Client.Tests.Helpers;

/// <summary>The server's REST API as the operator uses it, for tests that need the server to act.</summary>
public static class ServerApi
{
    /// <summary>The id of the live session whose remote end point is <paramref name="clientEndPoint"/>.</summary>
    public static async Task<string> FindSessionIdAsync(TestServer server, string clientEndPoint)
    {
        using var http = server.CreateHttpClient();
        var page = await http.GetFromJsonAsync<JsonElement>("/api/sessions?pageSize=1000").Within();
        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            if (item.GetProperty("remoteEndPoint").GetString() == clientEndPoint)
            {
                return item.GetProperty("id").GetString()!;
            }
        }

        throw new InvalidOperationException($"No live session from {clientEndPoint}.");
    }

    /// <summary>Kicks the session of the client at <paramref name="clientEndPoint"/> with <c>DELETE /api/sessions/{id}</c>.</summary>
    public static async Task KickAsync(TestServer server, string clientEndPoint, string reason)
    {
        var id = await FindSessionIdAsync(server, clientEndPoint);
        using var http = server.CreateHttpClient();
        using var response = await http.DeleteAsync($"/api/sessions/{Uri.EscapeDataString(id)}?reason={Uri.EscapeDataString(reason)}").Within();
        response.EnsureSuccessStatusCode();
    }
}
