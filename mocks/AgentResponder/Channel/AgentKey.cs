using Facade.Mocks.AgentResponder.Hosting;

namespace Facade.Mocks.AgentResponder.Channel;

/// <summary>The agent key: <c>AGENT_KEY</c> if set, else the first line of the key file. Never logged.</summary>
internal static class AgentKey
{
    /// <summary>The key, or null with a reason that names where it was looked for (never the key).</summary>
    public static string? Read(ResponderOptions options, string contentRoot, out string problem)
    {
        problem = string.Empty;
        if (!string.IsNullOrWhiteSpace(options.Key))
        {
            return options.Key.Trim();
        }

        if (string.IsNullOrWhiteSpace(options.KeyFile))
        {
            problem = $"no agent key: set {ResponderOptions.KeyVariable} or --key-file";
            return null;
        }

        var path = Path.GetFullPath(options.KeyFile, contentRoot);
        if (!File.Exists(path))
        {
            problem = $"no agent key: {path} does not exist (./run.sh creates it with the admin CLI's keys create; or set {ResponderOptions.KeyVariable})";
            return null;
        }

        var key = File.ReadLines(path).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim();
        if (key is null)
        {
            problem = $"no agent key: {path} is empty";
        }

        return key;
    }
}
