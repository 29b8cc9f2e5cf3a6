using KestrelTcp.Fuzz;
using SharpFuzz;

// afl++ entry point: `afl-fuzz ... -- dotnet KestrelTcp.Fuzz.dll`. Without afl (no shared memory),
// SharpFuzz runs the input from stdin once, so a crash file replays with `dotnet KestrelTcp.Fuzz.dll < file`.
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTarget.Run(buffer.ToArray());
});
