using System.Reflection;
using Xunit.Sdk;

namespace KestrelTcp.Protocols.Tests.Helpers;

/// <summary>Runs a theory once per <see cref="Feed"/> in <see cref="Feed.All"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AllFeedsAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        Feed.All.Select(feed => new object[] { feed });
}
