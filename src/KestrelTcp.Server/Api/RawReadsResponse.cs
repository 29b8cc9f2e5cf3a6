namespace KestrelTcp.Server.Api;

/// <summary>The body of <c>GET /api/sessions/{id}/reads</c>.</summary>
/// <param name="Capturing">Whether reads are being captured: only while the session is watched in the dashboard.</param>
/// <param name="Captured">Reads captured since capture started (also those no longer kept).</param>
/// <param name="Reads">The newest reads kept, oldest first.</param>
public sealed record RawReadsResponse(bool Capturing, long Captured, RawReadInfo[] Reads);
