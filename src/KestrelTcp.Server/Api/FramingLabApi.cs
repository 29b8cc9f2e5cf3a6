using KestrelTcp.Protocols;
using KestrelTcp.Server.Cluster;
using KestrelTcp.Server.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KestrelTcp.Server.Api;

/// <summary>The framing lab (<c>/api/framing</c>) and a session's raw reads (<c>/api/sessions/{id}/reads</c>):
/// read-only, so a Viewer may use them; nothing is sent to any device.</summary>
internal static class FramingLabApi
{
    public static RouteGroupBuilder MapFramingLabApi(this RouteGroupBuilder api)
    {
        var lab = api.MapGroup("/framing").WithTags("Framing lab");
        lab.MapPost("/test", Test).WithName("TestFraming").WithSummary("Decode bytes with a framing (or a listener's) through the real codec: frames, error, remainder.")
            .WithMetadata(new RequestSizeLimitAttribute(FramingLab.MaxBodyBytes));
        lab.MapPost("/guess", Guess).WithName("GuessFraming").WithSummary("Try every framing kind on bytes from an unknown device, best fit first.")
            .WithMetadata(new RequestSizeLimitAttribute(FramingLab.MaxBodyBytes));
        api.MapGet("/sessions/{id}/reads", Reads).WithTags("Sessions").WithName("GetSessionReads")
            .WithSummary("A watched session's last reads as they came off the socket, before framing.");
        return api;
    }

    private static async Task<Results<Ok<FramingTestResponse>, ProblemHttpResult>> Test(FramingTestRequest request, ListenerCatalog listeners)
    {
        if (!FramingLab.TryReadInput(request.Input, request.InputEncoding, out var input, out var error))
        {
            return ApiResults.BadRequest(error!);
        }

        FramingOptions framing;
        if (request.Listener is { } name)
        {
            if (request.Framing is not null)
            {
                return ApiResults.BadRequest("Give either framing or listener, not both.");
            }

            if (listeners.Find(name) is not { } listener)
            {
                return ApiResults.BadRequest($"listener: no listener named '{name}'.");
            }

            framing = listener.Options.Framing;
        }
        else if (request.Framing is null)
        {
            return ApiResults.BadRequest("framing (the framing settings) or listener (a listener's name) is required.");
        }
        else
        {
            framing = request.Framing;
            var errors = framing.Validate("framing");
            if (errors.Count > 0)
            {
                return ApiResults.BadRequest(string.Join(" ", errors));
            }
        }

        if (request.Chunks is not null && request.SplitAt is not null)
        {
            return ApiResults.BadRequest("Give either chunks or splitAt, not both.");
        }

        int[] sizes = [];
        if (request.Chunks is { } chunks)
        {
            if (chunks.Length > FramingLab.MaxChunks)
            {
                return ApiResults.BadRequest($"chunks may have at most {FramingLab.MaxChunks} entries (had {chunks.Length}).");
            }

            if (chunks.Any(c => c < 1))
            {
                return ApiResults.BadRequest("chunks: every chunk size must be 1 or more.");
            }

            sizes = chunks;
        }
        else if (request.SplitAt is { } splits)
        {
            if (splits.Length > FramingLab.MaxChunks)
            {
                return ApiResults.BadRequest($"splitAt may have at most {FramingLab.MaxChunks} entries (had {splits.Length}).");
            }

            for (var i = 0; i < splits.Length; i++)
            {
                if (splits[i] <= (i == 0 ? 0 : splits[i - 1]) || splits[i] >= input.Length)
                {
                    return ApiResults.BadRequest($"splitAt must be ascending offsets between 1 and {input.Length - 1} (entry {i} was {splits[i]}).");
                }
            }

            sizes = FramingLab.SizesFromSplits(splits);
        }

        return TypedResults.Ok(await FramingLab.DecodeAsync(framing, input, sizes, request.EndOfStream));
    }

    private static async Task<Results<Ok<FramingGuessResponse>, ProblemHttpResult>> Guess(FramingGuessRequest request)
    {
        if (!FramingLab.TryReadInput(request.Input, request.InputEncoding, out var input, out var error))
        {
            return ApiResults.BadRequest(error!);
        }

        return TypedResults.Ok(await FramingGuesser.GuessAsync(input));
    }

    private static Results<Ok<RawReadsResponse>, ProblemHttpResult> Reads(string id, SessionRegistry registry, ClusterQueries cluster)
    {
        if (!registry.TryGet(id, out var session))
        {
            return cluster.TryFindOwner(id, out var owner)
                ? ApiResults.Conflict($"Session '{id}' is on node {owner}; raw reads are kept only on the node that serves it. Ask that node.")
                : ApiResults.NotFound($"No live session with id '{id}'.");
        }

        if (session.RawReads is not { } ring)
        {
            return TypedResults.Ok(new RawReadsResponse(false, 0, []));
        }

        return TypedResults.Ok(new RawReadsResponse(true, ring.Count, Array.ConvertAll(ring.Snapshot(), RawReadInfo.From)));
    }
}
