using System.Text.Json;
using System.Text.Json.Serialization;
using KestrelTcp.Server.Sessions;

namespace KestrelTcp.Server.Cluster;

/// <summary>The JSON of what the cluster keeps in Redis and sends between nodes (source-generated, no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(NodeRecord))]
[JsonSerializable(typeof(DirectoryDelta))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(DeviceEdit))]
internal sealed partial class ClusterJson : JsonSerializerContext;
