using System.Text.Json;

namespace Facade.DeviceEdge.Agents;

/// <summary>The body of <c>POST /agents/{id}/calls</c>: <c>{"tool", "arguments"?, "timeoutSeconds"?}</c>, read strictly.</summary>
internal sealed record CallRequest(string Tool, JsonElement Arguments, int? TimeoutSeconds)
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 64, AllowDuplicateProperties = false };
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>The request, or the problem to answer 400 with (naming the field).</summary>
    public static CallRequest? Parse(byte[] body, out string problem)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Strict);
        }
        catch (JsonException)
        {
            problem = "The body is not valid JSON (or repeats a field).";
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = "The body must be a JSON object.";
                return null;
            }

            string? tool = null;
            var arguments = EmptyObject;
            int? timeout = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "tool" when value.ValueKind == JsonValueKind.String && AgentId.IsSkillName(value.GetString()):
                        tool = value.GetString();
                        break;
                    case "tool":
                        problem = "'tool' must be a skill name: " + AgentId.SkillRule + ".";
                        return null;
                    case "arguments" when value.ValueKind == JsonValueKind.Object:
                        arguments = value.Clone();
                        break;
                    case "arguments":
                        problem = "'arguments' must be a JSON object.";
                        return null;
                    case "timeoutSeconds" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var seconds)
                        && seconds is >= 1 and <= AgentOptions.MaxCallTimeoutSeconds:
                        timeout = seconds;
                        break;
                    case "timeoutSeconds":
                        problem = $"'timeoutSeconds' must be a whole number from 1 to {AgentOptions.MaxCallTimeoutSeconds}.";
                        return null;
                    default:
                        problem = $"The body has no field '{Broker.LogSafe.Text(property.Name.Length > 40 ? property.Name[..40] : property.Name)}' (only tool, arguments, timeoutSeconds).";
                        return null;
                }
            }

            if (tool is null)
            {
                problem = "'tool' is required.";
                return null;
            }

            problem = "";
            return new CallRequest(tool, arguments, timeout);
        }
    }
}
