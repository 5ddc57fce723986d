using System.Text.Json;
using System.Text.RegularExpressions;
using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Catalog;

/// <summary>
/// <c>call</c>: <c>{ "backend", "method", "path", "query", "headers", "body", "result" }</c>, checked against the
/// arguments the tool (or resource template) declares.
/// </summary>
internal static partial class CallParser
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Headers a tool may never set: credentials, framing, and the edge's identity headers.</summary>
    private static readonly string[] ForbiddenHeaders =
        ["Authorization", "Proxy-Authorization", "Cookie", "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Accept", "X-Agent-API-Key"];

    public static BackendCall? Read(JsonEntry owner, CatalogContext context, CallArguments arguments)
    {
        var call = owner.Child("call", required: true);
        if (call is not { IsObject: true })
        {
            return null;
        }

        var before = owner.Errors.Count;
        context.TryResolveBackend(call, out var backend);
        var method = ReadMethod(call, arguments);
        var path = ReadPath(call, arguments);
        var query = ReadMappings(call, "query");
        var headers = ReadMappings(call, "headers");
        foreach (var header in headers.Where(h => !HeaderName().IsMatch(h.Name)
            || ForbiddenHeaders.Contains(h.Name, StringComparer.OrdinalIgnoreCase)
            || h.Name.StartsWith("X-Facade-", StringComparison.OrdinalIgnoreCase)))
        {
            call.Error($"{call.Name("headers")}: header '{header.Name}' may not be set by a tool");
        }

        var body = ReadBody(call, method, arguments);
        ResultSelector? result = ResultSelector.Whole;
        if (call.String("result") is { } resultText && !ResultSelector.TryParse(resultText, out result, out var resultError))
        {
            call.Error($"{call.Name("result")}: {resultError}");
        }

        call.ReportUnknown();
        foreach (var (kind, mapping) in query.Select(q => ("query parameter", q)).Concat(headers.Select(h => ("header", h))).Concat(body.Properties.Select(b => ("body property", b))))
        {
            if (!arguments.Available.Contains(mapping.Argument))
            {
                call.Error($"{kind} '{mapping.Name}' maps argument '{mapping.Argument}', which is not {Described(arguments)}");
            }
        }

        if (body.Kind == BodyKind.Argument && !arguments.Available.Contains(body.Argument!))
        {
            call.Error($"{call.Name("body")} uses argument '{body.Argument}', which is not {Described(arguments)}");
        }

        if (owner.Errors.Count > before || backend is null || method is null || path is null || result is null)
        {
            return null;
        }

        return new BackendCall { Backend = backend, Method = method, Path = path, Query = query, Headers = headers, Body = body, Result = result };
    }

    private static string Described(CallArguments arguments) =>
        arguments.Source.StartsWith("inputSchema", StringComparison.Ordinal) ? $"in {arguments.Source}" : arguments.Source;

    private static HttpMethod? ReadMethod(JsonEntry call, CallArguments arguments)
    {
        var text = call.String("method", required: true);
        if (text is null)
        {
            return null;
        }

        var upper = text.ToUpperInvariant();
        if (!Methods.Contains(upper, StringComparer.Ordinal))
        {
            call.Error($"{call.Name("method")} '{text}' is not supported (use GET, POST, PUT, PATCH or DELETE)");
            return null;
        }

        if (arguments.ReadOnly && upper != "GET")
        {
            call.Error($"{call.Name("method")} must be GET: resources are read-only");
            return null;
        }

        return HttpMethod.Parse(upper);
    }

    private static UriTemplate? ReadPath(JsonEntry call, CallArguments arguments)
    {
        var text = call.String("path", required: true);
        if (text is null)
        {
            return null;
        }

        if (!UriTemplate.TryParsePath(text, out var path, out var error))
        {
            call.Error(error);
            return null;
        }

        foreach (var variable in path!.Variables)
        {
            if (!arguments.Available.Contains(variable))
            {
                call.Error($"path template variable {{{variable}}} is not {Described(arguments)}");
            }
            else if (!arguments.Required.Contains(variable))
            {
                call.Error($"path template variable {{{variable}}} must be listed in inputSchema.required");
            }
        }

        return path;
    }

    /// <summary><c>{ "param": "argument" }</c>, or <c>["name", …]</c> when parameter and argument share the name.</summary>
    private static List<ParameterMapping> ReadMappings(JsonEntry call, string property)
    {
        var result = new List<ParameterMapping>();
        if (call.Element(property) is not { } element)
        {
            return result;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Array when element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(e.GetString())):
                result.AddRange(element.EnumerateArray().Select(e => new ParameterMapping(e.GetString()!, e.GetString()!)));
                break;
            case JsonValueKind.Object when element.EnumerateObject().All(p => p.Name.Length > 0 && p.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(p.Value.GetString())):
                result.AddRange(element.EnumerateObject().Select(p => new ParameterMapping(p.Name, p.Value.GetString()!)));
                break;
            default:
                call.Error($"{call.Name(property)} must be an object of name → argument, or an array of argument names");
                break;
        }

        return result;
    }

    /// <summary><c>"none"</c>, <c>"arguments"</c>, <c>{ "argument": "body" }</c> or <c>{ "map": { "title": "title" } }</c>.</summary>
    private static BodyMapping ReadBody(JsonEntry call, HttpMethod? method, CallArguments arguments)
    {
        var hasBodyByDefault = method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch;
        if (call.Element("body") is not { } element)
        {
            return hasBodyByDefault && !arguments.ReadOnly ? BodyMapping.RemainingArguments : BodyMapping.None;
        }

        BodyMapping body;
        if (element.ValueKind == JsonValueKind.String && element.GetString() is "none" or "arguments")
        {
            body = element.GetString() == "none" ? BodyMapping.None : BodyMapping.RemainingArguments;
        }
        else if (element.ValueKind == JsonValueKind.Object && element.EnumerateObject().Count() == 1
            && element.TryGetProperty("argument", out var argument) && argument.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(argument.GetString()))
        {
            body = BodyMapping.FromArgument(argument.GetString()!);
        }
        else if (element.ValueKind == JsonValueKind.Object && element.EnumerateObject().Count() == 1
            && element.TryGetProperty("map", out var map) && map.ValueKind == JsonValueKind.Object
            && map.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(p.Value.GetString())))
        {
            body = BodyMapping.FromMap([.. map.EnumerateObject().Select(p => new ParameterMapping(p.Name, p.Value.GetString()!))]);
        }
        else
        {
            call.Error($"{call.Name("body")} must be \"none\", \"arguments\", {{ \"argument\": \"<name>\" }} or {{ \"map\": {{ \"<property>\": \"<argument>\" }} }}");
            return BodyMapping.None;
        }

        if (body.Kind != BodyKind.None && (method == HttpMethod.Get || arguments.ReadOnly))
        {
            call.Error($"{call.Name("body")} must be \"none\" for a GET request");
        }

        return body;
    }

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderName();
}
