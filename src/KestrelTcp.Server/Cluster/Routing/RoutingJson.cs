using System.Text.Json;
using System.Text.Json.Serialization;

namespace KestrelTcp.Server.Cluster.Routing;

/// <summary>The JSON of the command channel (source-generated, no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(NodeRequest))]
[JsonSerializable(typeof(NodeReply))]
internal sealed partial class RoutingJson : JsonSerializerContext;
