using WireMock;
using WireMock.Types;

namespace Facade.Mocks.LegacyApi.Api;

internal static class RequestHeaders
{
    public const string Subject = "X-Facade-Subject";
    public const string UnknownCaller = "unknown";

    /// <summary>Header lookup that does not depend on the casing the client (or a proxy) used.</summary>
    public static string? Get(IRequestMessage request, string name) =>
        Get(request.Headers, name);

    public static string? Get(IDictionary<string, WireMockList<string>>? headers, string name)
    {
        if (headers is null)
        {
            return null;
        }

        foreach (var (key, values) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return values.Count == 0 ? string.Empty : string.Join(", ", values);
            }
        }

        return null;
    }

    public static bool HasAuthorization(IRequestMessage request) =>
        !string.IsNullOrWhiteSpace(Get(request, "Authorization"));

    /// <summary>The acting user the edge asserted in identity mode, else <see cref="UnknownCaller"/>.</summary>
    public static string Caller(IDictionary<string, WireMockList<string>>? headers) =>
        Get(headers, Subject) is { } subject && !string.IsNullOrWhiteSpace(subject) ? subject.Trim() : UnknownCaller;
}
