using System.Text.RegularExpressions;
using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog.Format;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>call</c> (shape checked by <c>catalog.schema.json</c>, <c>$defs/call</c>): resolves the backend, parses the path
/// template and the result selector, and checks every argument the call uses against those the entry declares.
/// </summary>
internal static partial class CallParser
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Headers a tool may never set: credentials, framing, and the edge's identity headers.</summary>
    private static readonly string[] ForbiddenHeaders =
        ["Authorization", "Proxy-Authorization", "Cookie", "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Accept", "X-Agent-API-Key"];

    /// <summary>The backend a channel call goes to when it names none: the device edge, where agent runtimes connect.</summary>
    public const string DefaultChannelBackend = "agents";

    public static BackendCall? Read(CallSpec? call, string label, CatalogContext context, CallArguments arguments, string? toolName = null)
    {
        if (call is null)
        {
            return null;
        }

        if (call.Channel is not null)
        {
            return ReadChannel(call, label, context, arguments, toolName);
        }

        var errors = context.Errors;
        var before = errors.Count;
        context.TryResolveBackend(call.Backend, "call.backend", label, out var backend);

        // Another method, or none, was reported by the schema.
        var method = call.Method?.ToUpperInvariant() is { } upper && Methods.Contains(upper, StringComparer.Ordinal) ? HttpMethod.Parse(upper) : null;
        var path = ReadPath(call.Path, label, errors, arguments);
        foreach (var header in call.Headers.Where(h => !HeaderName().IsMatch(h.Name)
            || ForbiddenHeaders.Contains(h.Name, StringComparer.OrdinalIgnoreCase)
            || h.Name.StartsWith("X-Facade-", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add(label, $"call.headers: header '{header.Name}' may not be set by a tool");
        }

        var hasBodyByDefault = method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch;
        var body = call.Body ?? (hasBodyByDefault && !arguments.ReadOnly ? BodyMapping.RemainingArguments : BodyMapping.None);
        if (body.Kind != BodyKind.None && (method == HttpMethod.Get || arguments.ReadOnly))
        {
            errors.Add(label, "call.body must be \"none\" for a GET request");
        }

        ResultSelector? result = ResultSelector.Whole;
        if (call.Result is { } resultText && !ResultSelector.TryParse(resultText, out result, out var resultError))
        {
            errors.Add(label, $"call.result: {resultError}");
        }

        foreach (var (kind, mapping) in call.Query.Select(q => ("query parameter", q)).Concat(call.Headers.Select(h => ("header", h))).Concat(body.Properties.Select(b => ("body property", b))))
        {
            if (!arguments.Available.Contains(mapping.Argument))
            {
                errors.Add(label, $"{kind} '{mapping.Name}' maps argument '{mapping.Argument}', which is not {Described(arguments)}");
            }
        }

        if (body.Kind == BodyKind.Argument && !arguments.Available.Contains(body.Argument!))
        {
            errors.Add(label, $"call.body uses argument '{body.Argument}', which is not {Described(arguments)}");
        }

        if (errors.Count > before || backend is null || method is null || path is null || result is null)
        {
            return null;
        }

        return new BackendCall { Backend = backend, Method = method, Path = path, Query = call.Query, Headers = call.Headers, Body = body, Result = result };
    }

    /// <summary>
    /// <c>{"channel": "research", "backend": "agents", "timeoutSeconds": 30}</c>: the agent must be in the catalog, the
    /// backend known, and its own timeout longer than the device edge's wait, so a late agent is reported as such.
    /// </summary>
    private static BackendCall? ReadChannel(CallSpec call, string label, CatalogContext context, CallArguments arguments, string? toolName)
    {
        var errors = context.Errors;
        var before = errors.Count;
        var agentId = call.Channel!;
        if (arguments.ReadOnly)
        {
            errors.Add(label, "call.channel: only tools can be answered by an agent's channel, not resources");
            return null;
        }

        // An id of the wrong shape, or a timeout that is not a whole number of 1-120 seconds, was reported by the schema.
        var wellFormed = AgentId().IsMatch(agentId);
        var seconds = call.TimeoutSeconds ?? ChannelTarget.DefaultTimeoutSeconds;
        var timeout = (int)Math.Clamp(seconds, 0, ChannelTarget.MaxTimeoutSeconds + 1);
        var timeoutValid = seconds == timeout && timeout is >= 1 and <= ChannelTarget.MaxTimeoutSeconds;
        if (wellFormed && !context.AgentIds.Contains(agentId))
        {
            errors.Add(label, $"call.channel '{agentId}' is not an agent of this catalog (known: {(context.AgentIds.Count == 0 ? "none" : string.Join(", ", context.AgentIds.Order(StringComparer.Ordinal)))})");
        }

        BackendDefinition? backend;
        if (call.Backend is null && !context.Backends.ContainsKey(DefaultChannelBackend) && !context.BrokenBackends.Contains(DefaultChannelBackend))
        {
            errors.Add(label, $"call.backend: a channel call needs the device edge as backend '{DefaultChannelBackend}' in backends (or name another one in call.backend)");
            backend = null;
        }
        else
        {
            context.TryResolveBackend(call.Backend ?? DefaultChannelBackend, "call.backend", label, out backend);
        }

        if (backend is not null && timeoutValid && (backend.Timeout is not { } backendTimeout || backendTimeout.TotalSeconds <= timeout))
        {
            errors.Add(label, $"call.timeoutSeconds ({timeout}) must be below the timeout of backend '{backend.Name}' "
                + $"({(backend.Timeout is { } t ? $"{t.TotalSeconds:0.#}" : "not set")}): set backends.{backend.Name}.timeoutSeconds above it, so the device edge reports a late agent before the adapter gives up");
        }

        if (errors.Count > before || backend is null || toolName is null || !wellFormed || !timeoutValid)
        {
            return null;
        }

        return ChannelTarget.Call(backend, agentId, toolName, timeout);
    }

    private static string Described(CallArguments arguments) =>
        arguments.Source.StartsWith("inputSchema", StringComparison.Ordinal) ? $"in {arguments.Source}" : arguments.Source;

    private static UriTemplate? ReadPath(string? text, string label, CatalogErrors errors, CallArguments arguments)
    {
        if (text is null)
        {
            return null;
        }

        if (!UriTemplate.TryParsePath(text, out var path, out var error))
        {
            errors.Add(label, error);
            return null;
        }

        foreach (var variable in path!.Variables)
        {
            if (!arguments.Available.Contains(variable))
            {
                errors.Add(label, $"path template variable {{{variable}}} is not {Described(arguments)}");
            }
            else if (!arguments.Required.Contains(variable))
            {
                errors.Add(label, $"path template variable {{{variable}}} must be listed in inputSchema.required");
            }
        }

        return path;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex AgentId();

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderName();
}
