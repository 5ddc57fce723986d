namespace Facade.Bench;

/// <summary>Where things are: the repository (built binaries), a scratch folder for configs, logs and data.</summary>
internal sealed class BenchContext(BenchSettings settings, string root, string work)
{
    public BenchSettings Settings { get; } = settings;

    public string Root { get; } = root;

    public string Work { get; } = work;

    public string Logs { get; } = Directory.CreateDirectory(Path.Combine(work, "logs")).FullName;

    /// <summary>
    /// Path of a server's assembly, e.g. <c>Dll("bench/Backend", "Facade.Bench.Backend")</c>: for measured runs the
    /// ReadyToRun publish <c>./run.sh bench</c> makes (<c>artifacts/bench/</c>, as deployed), else the build output.
    /// </summary>
    public string Dll(string project, string assembly)
    {
        var published = Path.Combine(Root, "artifacts", "bench", assembly, assembly + ".dll");
        return Settings.Configuration == "Release" && File.Exists(published)
            ? published
            : Path.Combine(Root, project, "bin", Settings.Configuration, "net10.0", assembly + ".dll");
    }

    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(Work, name)).FullName;

    /// <summary>Production mode for every .NET server, as deployed; no telemetry export unless the caller set one up.</summary>
    public static Dictionary<string, string> DotnetEnvironment() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };
}
