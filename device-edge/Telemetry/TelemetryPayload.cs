using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>Why a telemetry message was refused. Logged and counted; never the payload itself.</summary>
internal enum TelemetryRefusal
{
    None,
    TooLarge,
    MalformedJson,
    NotAnObject,
    UnknownField,
    RepeatedField,
    InvalidTimestamp,
    TimestampOutOfWindow,
    NoMetrics,
    TooManyMetrics,
    InvalidKey,
    RepeatedKey,
    NotAFiniteNumber,
    TooManyKeys,
    UnknownDevice,
}

/// <summary>One metric of a message: its key and value.</summary>
internal readonly record struct TelemetryMetric(string Key, double Value);

/// <summary>A valid telemetry message: when it was measured (Unix milliseconds) and its metrics.</summary>
internal sealed record TelemetryPayload(long Timestamp, TelemetryMetric[] Metrics);

/// <summary>
/// Reads <c>{"ts": &lt;unix ms&gt; | "&lt;ISO-8601&gt;", "metrics": {"temperature": 21.5, …}}</c> strictly and without
/// building a document: no other fields, no repeated ones, keys <see cref="TelemetryKey.Rule"/>, finite numbers only,
/// at most <see cref="TelemetryOptions.MaxMetrics"/>, <c>ts</c> (optional: the receive time) within
/// [now − <see cref="TelemetryOptions.MaxAge"/>, now + <see cref="TelemetryOptions.MaxFutureSkew"/>].
/// </summary>
internal sealed class TelemetryPayloadReader(IOptions<TelemetryOptions> options)
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 4 };

    public TelemetryRefusal TryRead(ReadOnlySpan<byte> payload, DateTimeOffset receivedAt, out TelemetryPayload? telemetry)
    {
        telemetry = null;
        var settings = options.Value;
        if (payload.Length > settings.MaxPayloadBytes)
        {
            return TelemetryRefusal.TooLarge;
        }

        try
        {
            return Read(payload, receivedAt, settings, out telemetry);
        }
        catch (JsonException)
        {
            return TelemetryRefusal.MalformedJson;
        }
    }

    private static TelemetryRefusal Read(ReadOnlySpan<byte> payload, DateTimeOffset receivedAt, TelemetryOptions settings, out TelemetryPayload? telemetry)
    {
        telemetry = null;
        var reader = new Utf8JsonReader(payload, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return TelemetryRefusal.NotAnObject;
        }

        long? timestamp = null;
        var sawTimestamp = false;
        List<TelemetryMetric>? metrics = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("ts"u8))
            {
                if (sawTimestamp)
                {
                    return TelemetryRefusal.RepeatedField;
                }

                sawTimestamp = true;
                reader.Read();
                if (!TryReadTimestamp(ref reader, out timestamp))
                {
                    return TelemetryRefusal.InvalidTimestamp;
                }
            }
            else if (reader.ValueTextEquals("metrics"u8))
            {
                if (metrics is not null)
                {
                    return TelemetryRefusal.RepeatedField;
                }

                reader.Read();
                var refusal = ReadMetrics(ref reader, settings.MaxMetrics, out metrics);
                if (refusal != TelemetryRefusal.None)
                {
                    return refusal;
                }
            }
            else
            {
                return TelemetryRefusal.UnknownField;
            }
        }

        // The reader validates the rest of the document: one object, nothing after it.
        while (reader.Read())
        {
        }

        if (metrics is not { Count: > 0 })
        {
            return TelemetryRefusal.NoMetrics;
        }

        var now = receivedAt.ToUnixTimeMilliseconds();
        var at = timestamp ?? now;
        if (at < now - (long)settings.MaxAge.TotalMilliseconds || at > now + (long)settings.MaxFutureSkew.TotalMilliseconds)
        {
            return TelemetryRefusal.TimestampOutOfWindow;
        }

        telemetry = new TelemetryPayload(at, [.. metrics]);
        return TelemetryRefusal.None;
    }

    private static bool TryReadTimestamp(ref Utf8JsonReader reader, out long? timestamp)
    {
        timestamp = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.Number when reader.TryGetInt64(out var milliseconds):
                timestamp = milliseconds;
                return true;
            case JsonTokenType.Number when reader.TryGetDouble(out var fractional) && double.IsFinite(fractional) && Math.Abs(fractional) < 1e15:
                timestamp = (long)Math.Floor(fractional);
                return true;
            case JsonTokenType.String when TryParseIso(reader.GetString(), out var parsed):
                timestamp = parsed.ToUnixTimeMilliseconds();
                return true;
            default:
                return false;
        }
    }

    /// <summary>ISO-8601 date and time (<c>2026-01-01T12:00:00Z</c>, with an offset or fraction); no offset means UTC.</summary>
    public static bool TryParseIso(string? value, out DateTimeOffset parsed)
    {
        parsed = default;
        return value is { Length: >= 16 and <= 40 }
            && char.IsAsciiDigit(value[0]) && value[4] == '-' && value[7] == '-' && value[10] is 'T' or 't'
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out parsed);
    }

    private static TelemetryRefusal ReadMetrics(ref Utf8JsonReader reader, int maxMetrics, out List<TelemetryMetric>? metrics)
    {
        metrics = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return TelemetryRefusal.NotAnObject;
        }

        var read = new List<TelemetryMetric>(4);
        Span<char> name = stackalloc char[TelemetryKey.MaxLength];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (read.Count == maxMetrics)
            {
                return TelemetryRefusal.TooManyMetrics;
            }

            var key = ReadKey(ref reader, name);
            if (key is null)
            {
                return TelemetryRefusal.InvalidKey;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                return TelemetryRefusal.NotAFiniteNumber;
            }

            foreach (var metric in read)
            {
                if (metric.Key == key)
                {
                    return TelemetryRefusal.RepeatedKey;
                }
            }

            read.Add(new TelemetryMetric(key, value));
        }

        metrics = read;
        return TelemetryRefusal.None;
    }

    private static string? ReadKey(ref Utf8JsonReader reader, scoped Span<char> buffer)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > TelemetryKey.MaxLength)
        {
            return null;
        }

        var length = Encoding.UTF8.GetChars(reader.ValueSpan, buffer);
        var key = buffer[..length];
        return TelemetryKey.IsValid(key) ? KnownKeys.Intern(key) : null;
    }

    /// <summary>The same string instance for the same key, so millions of stored metrics do not each allocate their key.</summary>
    private static class KnownKeys
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Keys = new(StringComparer.Ordinal);
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup =
            Keys.GetAlternateLookup<ReadOnlySpan<char>>();

        private const int MaxKept = 10_000;

        public static string Intern(ReadOnlySpan<char> key)
        {
            if (Lookup.TryGetValue(key, out var known))
            {
                return known;
            }

            var created = key.ToString();
            return Keys.Count < MaxKept ? Keys.GetOrAdd(created, created) : created;
        }
    }
}

internal static class TelemetryRefusals
{
    /// <summary>The refusal in plain words: for the device (MQTT 5 reason string) and the log. Fixed text, never the payload.</summary>
    public static string Describe(TelemetryRefusal refusal) => refusal switch
    {
        TelemetryRefusal.TooLarge => "payload too large",
        TelemetryRefusal.MalformedJson => "payload is not valid JSON",
        TelemetryRefusal.NotAnObject => "payload must be {\"ts\":…,\"metrics\":{…}}",
        TelemetryRefusal.UnknownField => "only 'ts' and 'metrics' are allowed",
        TelemetryRefusal.RepeatedField => "'ts' or 'metrics' repeated",
        TelemetryRefusal.InvalidTimestamp => "'ts' must be Unix milliseconds or an ISO-8601 date and time",
        TelemetryRefusal.TimestampOutOfWindow => "'ts' is too far in the past or the future",
        TelemetryRefusal.NoMetrics => "'metrics' must be a non-empty object",
        TelemetryRefusal.TooManyMetrics => "too many metrics in one message",
        TelemetryRefusal.InvalidKey => "metric keys must match " + TelemetryKey.Rule,
        TelemetryRefusal.RepeatedKey => "a metric key is repeated",
        TelemetryRefusal.NotAFiniteNumber => "metric values must be finite numbers",
        TelemetryRefusal.TooManyKeys => "the device has too many distinct metric keys",
        TelemetryRefusal.UnknownDevice => "the device no longer exists",
        _ => "invalid telemetry",
    };
}
