using System.Globalization;
using Facade.Mocks.LegacyApi.Data;
using Microsoft.Extensions.Logging;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Facade.Mocks.LegacyApi.Api;

/// <summary>
/// WireMock mappings for the legacy API. WireMock does the routing (path + method); the callbacks
/// implement behaviour against <see cref="LegacyStore"/>. Lower priority numbers win.
/// </summary>
internal sealed partial class LegacyApiRoutes(LegacyStore store, ILogger logger)
{
    private const string TaskPathPrefix = "/api/tasks/";
    private const int RoutePriority = 10;
    private const int ApiFallbackPriority = 50;
    private const int GlobalFallbackPriority = 100;

    public void Register(WireMockServer server)
    {
        Map(server, Request.Create().WithPath(new ExactMatcher("/healthz")).UsingGet(), _ => ApiResponses.Json(200, new { status = "ok" }), RoutePriority);

        MapApi(server, Request.Create().WithPath(new ExactMatcher("/api/organizations")).UsingGet(), ListOrganizations);
        MapApi(server, Request.Create().WithPath(new ExactMatcher("/api/tasks")).UsingGet(), ListTasks);
        MapApi(server, Request.Create().WithPath(new ExactMatcher("/api/tasks")).UsingPost(), CreateTask);
        MapApi(server, TaskById().UsingGet(), GetTask);
        MapApi(server, TaskById().UsingPut(), request => UpdateTask(request, TaskInputMode.Replace));
        MapApi(server, TaskById().UsingPatch(), request => UpdateTask(request, TaskInputMode.Patch));

        // Unknown /api routes still require Authorization, so a missing header is never masked by a 404.
        MapApi(
            server,
            Request.Create().WithPath(new RegexMatcher("^/api(/.*)?$")).UsingAnyMethod(),
            request => ApiResponses.NotFound($"No route for {request.Method} {request.Path}."),
            ApiFallbackPriority);

        // Replaces WireMock's own {"Status":"No matching mapping found"} 404 with the shared error shape.
        Map(
            server,
            Request.Create().WithPath(new RegexMatcher(".*")).UsingAnyMethod(),
            request => ApiResponses.NotFound($"No route for {request.Method} {request.Path}."),
            GlobalFallbackPriority);
    }

    private static IRequestBuilder TaskById() =>
        Request.Create().WithPath(new RegexMatcher("^/api/tasks/[^/]+$"));

    private void MapApi(WireMockServer server, IRequestBuilder request, Func<IRequestMessage, ResponseMessage> handler, int priority = RoutePriority) =>
        Map(server, request, message => Authorized(message, handler), priority);

    private void Map(WireMockServer server, IRequestBuilder request, Func<IRequestMessage, ResponseMessage> handler, int priority) =>
        server.Given(request)
            .AtPriority(priority)
            .RespondWith(Response.Create().WithCallback(message => Guarded(message, handler)));

    private ResponseMessage Authorized(IRequestMessage request, Func<IRequestMessage, ResponseMessage> handler)
    {
        if (!RequestHeaders.HasAuthorization(request))
        {
            LogUnauthorized(logger, request.Method, request.Path);
            var unauthorized = ApiResponses.Error(401, "unauthorized", "The request must carry an Authorization header.");
            unauthorized.AddHeader("WWW-Authenticate", "Bearer");
            return unauthorized;
        }

        var response = handler(request);
        LogHandled(logger, request.Method, request.Path, response.StatusCode, RequestHeaders.Caller(request.Headers));
        return response;
    }

    // WireMock would otherwise answer a throwing callback with a 500 carrying the exception message.
    private ResponseMessage Guarded(IRequestMessage request, Func<IRequestMessage, ResponseMessage> handler)
    {
        try
        {
            return handler(request);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, request.Method, request.Path);
            return ApiResponses.Error(500, "server_error", "The legacy API could not complete the request.");
        }
    }

    private ResponseMessage ListOrganizations(IRequestMessage request) =>
        ApiResponses.Json(200, store.Organizations());

    private ResponseMessage ListTasks(IRequestMessage request)
    {
        if (!TryGetSingle(request, "status", out var status, out var error)
            || !TryGetSingle(request, "organization", out var organization, out error)
            || !TryGetSingle(request, "limit", out var limitText, out error))
        {
            return ApiResponses.BadRequest(error);
        }

        if (status is not null && !TaskStatuses.IsValid(status))
        {
            return ApiResponses.BadRequest($"status must be one of: {string.Join(", ", TaskStatuses.All)}.");
        }

        if (!TryParseLimit(limitText, out var limit))
        {
            return ApiResponses.BadRequest($"limit must be a positive integer (values above {LegacyStore.MaxPageSize} are capped).");
        }

        return ApiResponses.Json(200, store.Query(status, organization, limit).Select(TaskResource.From));
    }

    private ResponseMessage GetTask(IRequestMessage request)
    {
        var id = TaskId(request);
        return store.Find(id) is { } task
            ? ApiResponses.Json(200, TaskResource.From(task))
            : ApiResponses.NotFound($"Task '{id}' does not exist.");
    }

    private ResponseMessage CreateTask(IRequestMessage request)
    {
        if (!RequestBody.TryReadObject(request, out var body, out var bodyError))
        {
            return bodyError!;
        }

        if (!TaskInput.TryParse(body, TaskInputMode.Create, store, out var input, out var error))
        {
            return ApiResponses.BadRequest(error);
        }

        var task = store.Add(input.Title!, input.OrganizationId!, input.Status!, input.Assignee);
        var response = ApiResponses.Json(201, TaskResource.From(task));
        response.AddHeader("Location", TaskPathPrefix + task.Id);
        return response;
    }

    private ResponseMessage UpdateTask(IRequestMessage request, TaskInputMode mode)
    {
        var id = TaskId(request);

        // 404 before body validation: an unknown task is the more useful answer.
        if (store.Find(id) is null)
        {
            return ApiResponses.NotFound($"Task '{id}' does not exist.");
        }

        if (!RequestBody.TryReadObject(request, out var body, out var bodyError))
        {
            return bodyError!;
        }

        if (!TaskInput.TryParse(body, mode, store, out var input, out var error))
        {
            return ApiResponses.BadRequest(error);
        }

        return store.Update(id, task => input.ApplyTo(task, mode)) is { } updated
            ? ApiResponses.Json(200, TaskResource.From(updated))
            : ApiResponses.NotFound($"Task '{id}' does not exist.");
    }

    private static string TaskId(IRequestMessage request) =>
        Uri.UnescapeDataString(request.Path[TaskPathPrefix.Length..]);

    /// <summary>Missing or empty means "not given"; a repeated parameter is ambiguous and rejected.</summary>
    private static bool TryGetSingle(IRequestMessage request, string name, out string? value, out string error)
    {
        value = null;
        error = string.Empty;
        if (request.Query is null || !request.Query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return true;
        }

        if (values.Count > 1)
        {
            error = $"{name} must be given at most once.";
            return false;
        }

        value = string.IsNullOrEmpty(values[0]) ? null : values[0];
        return true;
    }

    private static bool TryParseLimit(string? text, out int limit)
    {
        limit = LegacyStore.MaxPageSize;
        if (text is null)
        {
            return true;
        }

        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        // Digits only: anything that overflows an int is simply "more than the cap".
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return true;
        }

        limit = Math.Min(parsed, LegacyStore.MaxPageSize);
        return parsed > 0;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} answered {Status} for caller {Caller}")]
    private static partial void LogHandled(ILogger logger, string method, string path, object? status, string caller);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} rejected: no Authorization header")]
    private static partial void LogUnauthorized(ILogger logger, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string path);
}
