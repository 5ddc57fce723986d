using System.Globalization;
using Facade.Common;
using Facade.Common.Auth;
using Facade.DeviceEdge.Auth;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// <c>/devices/{id}/telemetry</c>: the latest reading of every metric or of one, and one metric's history, raw or in
/// buckets of a minute, an hour or a day. Needs <c>telemetry:read</c> and a device the caller owns or has a share of
/// (any share: reading telemetry is reading the device); any other device is 404, as everywhere.
/// </summary>
internal static class TelemetryApi
{
    public static IEndpointRouteBuilder MapTelemetryApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var telemetry = app.MapGroup("/devices/{id}/telemetry").RequireScopes(DeviceScopes.TelemetryRead);
        telemetry.MapGet("/latest", LatestAsync);
        telemetry.MapGet("/{key}/latest", KeyLatestAsync);
        telemetry.MapGet("/{key}", HistoryAsync);
        return app;
    }

    public static async Task<Results<Ok<LatestReadingsView>, JsonHttpResult<ErrorBody>>> LatestAsync(
        HttpContext http, DeviceEdgeDbContext db, TelemetryQueries queries, string id)
    {
        if (!await VisibleAsync(db, http, id))
        {
            return DeviceErrors.NotFound();
        }

        var latest = await queries.LatestAsync(db, [id], http.RequestAborted);
        return TypedResults.Ok(new LatestReadingsView(id, latest.GetValueOrDefault(id) ?? []));
    }

    public static async Task<Results<Ok<KeyReadingView>, JsonHttpResult<ErrorBody>>> KeyLatestAsync(
        HttpContext http, DeviceEdgeDbContext db, TelemetryQueries queries, string id, string key)
    {
        if (!TelemetryKey.IsValid(key))
        {
            return InvalidKey();
        }

        if (!await VisibleAsync(db, http, id))
        {
            return DeviceErrors.NotFound();
        }

        var reading = await queries.SeriesAsync(db, id, key, http.RequestAborted) is { } series
            ? await queries.LatestAsync(db, series, key, http.RequestAborted)
            : null;
        return reading is null
            ? JsonErrors.Typed(StatusCodes.Status404NotFound, "not_found", $"The device has no '{key}' reading.")
            : TypedResults.Ok(new KeyReadingView(id, key, reading.Value, reading.Unit, reading.Ts));
    }

    public static async Task<Results<Ok<RawHistoryView>, Ok<BucketHistoryView>, JsonHttpResult<ErrorBody>>> HistoryAsync(
        HttpContext http, DeviceEdgeDbContext db, TelemetryQueries queries, IOptions<TelemetryOptions> options, TimeProvider time,
        string id, string key, string? from, string? to, string? resolution, string? limit)
    {
        if (!TelemetryKey.IsValid(key))
        {
            return InvalidKey();
        }

        var settings = options.Value;
        var query = HistoryQuery.Parse(from, to, resolution, limit, settings, time.GetUtcNow());
        if (query.Problem is { } problem)
        {
            return JsonBody.Invalid(problem);
        }

        if (!await VisibleAsync(db, http, id))
        {
            return DeviceErrors.NotFound();
        }

        var unit = queries.UnitOf(key);
        var series = await queries.SeriesAsync(db, id, key, http.RequestAborted);
        var (start, end) = (DateTimeOffset.FromUnixTimeMilliseconds(query.From), DateTimeOffset.FromUnixTimeMilliseconds(query.To));
        if (query.BucketSize == 0)
        {
            var (points, next) = series is { } s ? await queries.RawAsync(db, s, query.From, query.To, query.Limit, http.RequestAborted) : ([], null);
            return TypedResults.Ok(new RawHistoryView(id, key, unit, query.Resolution, start, end, points, next));
        }

        var (buckets, nextBucket) = series is { } b
            ? await queries.BucketsAsync(db, b, query.From, query.To, query.BucketSize, query.Limit, http.RequestAborted)
            : ([], null);
        return TypedResults.Ok(new BucketHistoryView(id, key, unit, query.Resolution, start, end, buckets, nextBucket));
    }

    /// <summary>
    /// The 403 a token without <c>telemetry:read</c> gets where telemetry is an option of another endpoint
    /// (<c>GET /devices?include=latest</c>): the same answer and challenge as a route that requires the scope.
    /// </summary>
    public static JsonHttpResult<ErrorBody> MissingScope(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var resource = http.RequestServices.GetRequiredService<IOptions<ResourceServerOptions>>().Value;
        http.Response.Headers.WWWAuthenticate =
            $"Bearer error=\"insufficient_scope\", scope=\"{DeviceScopes.TelemetryRead}\", resource_metadata=\"{resource.ResourceMetadataUrl(http.Request.Path)}\"";
        return TypedResults.Json(new ErrorBody("insufficient_scope", "The access token does not carry the scope this request needs.", DeviceScopes.TelemetryRead),
            TelemetryJsonContext.Default.ErrorBody, "application/json", StatusCodes.Status403Forbidden);
    }

    private static JsonHttpResult<ErrorBody> InvalidKey() =>
        JsonBody.Invalid($"The metric key must match {TelemetryKey.Rule}.");

    private static async Task<bool> VisibleAsync(DeviceEdgeDbContext db, HttpContext http, string id)
    {
        var caller = Caller.From(http.User);
        return DeviceId.IsValid(id) && await db.Devices.AsNoTracking().VisibleTo(caller.UserId).AnyAsync(d => d.Id == id, http.RequestAborted);
    }

    /// <summary>The history query string, checked: one clear problem, or the range in Unix milliseconds.</summary>
    private sealed record HistoryQuery(string Resolution, long BucketSize, long From, long To, int Limit, string? Problem)
    {
        public static HistoryQuery Parse(string? from, string? to, string? resolution, string? limit, TelemetryOptions settings, DateTimeOffset now)
        {
            static HistoryQuery Fail(string problem) => new("", 0, 0, 0, 0, problem);

            if (!TelemetryResolution.TryParse(resolution, out var size))
            {
                return Fail("'resolution' must be 'raw', '1m', '1h' or '1d'.");
            }

            var start = from is null ? null : ParseTime(from);
            if (from is not null && start is null)
            {
                return Fail("'from' must be an ISO-8601 date and time from 1970 to 9998, e.g. 2026-01-01T00:00:00Z.");
            }

            var end = to is null ? null : ParseTime(to);
            if (to is not null && end is null)
            {
                return Fail("'to' must be an ISO-8601 date and time from 1970 to 9998, e.g. 2026-01-02T00:00:00Z.");
            }

            var endAt = (end ?? now).ToUnixTimeMilliseconds();
            var startAt = start?.ToUnixTimeMilliseconds() ?? Math.Max(0, endAt - TelemetryResolution.Day);
            if (startAt >= endAt)
            {
                return Fail("'from' must be before 'to'.");
            }

            var count = settings.DefaultRawLimit;
            if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > settings.MaxPoints))
            {
                return Fail($"'limit' must be a whole number from 1 to {settings.MaxPoints}.");
            }

            if (size == 0)
            {
                return new HistoryQuery(TelemetryResolution.Raw, 0, startAt, endAt, count, null);
            }

            // Whole buckets: the start rounded down, the end up (every bucket is complete).
            startAt = Floor(startAt, size);
            endAt = -Floor(-endAt, size);
            if ((endAt - startAt) / size > settings.MaxPoints)
            {
                return Fail($"The range holds more than {settings.MaxPoints} buckets of {resolution}: shorten it or choose a coarser resolution.");
            }

            return new HistoryQuery(resolution!, size, startAt, endAt, limit is null ? settings.MaxPoints : count, null);
        }

        private static long Floor(long value, long size) => value - ((value % size) + size) % size;

        /// <summary>Years 1970 to 9998, so every bucket boundary is a valid time.</summary>
        private static DateTimeOffset? ParseTime(string value) =>
            (TelemetryPayloadReader.TryParseIso(value, out var parsed)
             || TelemetryPayloadReader.TryParseIso(value.Replace(' ', '+'), out parsed)) // an unencoded '+' of an offset arrives as a space
            && parsed.Year is >= 1970 and <= 9998
                ? parsed
                : null;
    }
}
