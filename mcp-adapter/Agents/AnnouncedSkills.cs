using System.Text.Json;
using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog;
using Facade.McpAdapter.Hosting;
using Facade.McpAdapter.Mcp;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Facade.McpAdapter.Agents;

/// <summary>
/// The tools of a catalog view including, for an agent that has them, the skills its runtime announced: fetched from
/// the device edge with the caller's own token (through <see cref="BackendInvoker"/>, like any backend call) and kept
/// for <see cref="AdapterOptions.AnnouncedSkillsCacheLifetime"/> per agent and user, so one user's answer is never
/// served to another. Catalog tools win on a name clash. The device edge being down only hides the announced skills.
/// </summary>
internal sealed partial class AnnouncedSkills(BackendInvoker invoker, IOptions<AdapterOptions> options, ILogger<AnnouncedSkills> logger) : IDisposable
{
    private static readonly JsonElement NoArguments = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>The view's own tools, then the announced skills whose names are free.</summary>
    public async ValueTask<IReadOnlyList<ToolDefinition>> ListAsync(CatalogView view, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.AnnouncedSkills is not { } source)
        {
            return view.Tools;
        }

        var announced = await GetAsync(source, caller, cancellationToken);
        return [.. view.Tools, .. announced.Where(t => !view.TryGetTool(t.Name, out _))];
    }

    /// <summary>The view's tool of that name, else the announced skill of that name; null when neither exists.</summary>
    public async ValueTask<ToolDefinition?> FindAsync(CatalogView view, string name, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.TryGetTool(name, out var tool))
        {
            return tool;
        }

        if (view.AnnouncedSkills is not { } source)
        {
            return null;
        }

        return (await GetAsync(source, caller, cancellationToken)).FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));
    }

    public void Dispose() => _cache.Dispose();

    private async ValueTask<IReadOnlyList<ToolDefinition>> GetAsync(AnnouncedSkillsSource source, Caller caller, CancellationToken cancellationToken)
    {
        var lifetime = options.Value.AnnouncedSkillsCacheLifetime;
        var key = new CacheKey(source.AgentId, caller.Subject ?? "");
        if (lifetime > TimeSpan.Zero && _cache.TryGetValue(key, out IReadOnlyList<ToolDefinition>? cached) && cached is not null)
        {
            return cached;
        }

        var answer = await invoker.InvokeAsync(ChannelTarget.Skills(source.Backend, source.AgentId), NoArguments, caller.BearerToken, cancellationToken);
        IReadOnlyList<ToolDefinition> skills = [];
        if (answer.IsError)
        {
            LogUnavailable(logger, source.AgentId, answer.Failure, answer.StatusCode);
        }
        else
        {
            var skipped = new List<string>();
            skills = AnnouncedSkillReader.Read(source, answer.Structured, skipped);
            if (skipped.Count > 0)
            {
                LogSkipped(logger, source.AgentId, string.Join(", ", skipped));
            }
        }

        if (lifetime > TimeSpan.Zero)
        {
            _cache.Set(key, skills, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        }

        return skills;
    }

    private sealed record CacheKey(string AgentId, string Subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The skills of agent {AgentId} could not be read ({Failure}, status {Status}); only its catalog tools are listed")]
    private static partial void LogUnavailable(ILogger logger, string agentId, BackendFailure failure, int? status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} announced skills that are not listed: {Skipped}")]
    private static partial void LogSkipped(ILogger logger, string agentId, string skipped);
}
