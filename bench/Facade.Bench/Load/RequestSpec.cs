namespace Facade.Bench.Load;

/// <summary>One HTTP request a load generator sends over and over.</summary>
internal sealed record RequestSpec(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string? Body = null)
{
    public static RequestSpec Get(string path, string? bearer = null) =>
        new("GET", path, bearer is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Authorization"] = "Bearer " + bearer });
}
