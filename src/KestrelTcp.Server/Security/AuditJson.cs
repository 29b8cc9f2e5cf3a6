using System.Text.Json.Serialization;

namespace KestrelTcp.Server.Security;

/// <summary>Source-generated JSON for the audit log's session list column.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class AuditJson : JsonSerializerContext;
