using System.Globalization;
using Facade.Common;
using Facade.Common.Auth;
using Facade.DeviceEdge.Auth;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Hosting;
using Facade.DeviceEdge.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// <c>/alerts</c>: the caller's rules and the alerts of the devices the caller can see (<c>rules:read</c>), and the
/// caller's own rules to create, replace and delete (<c>rules:write</c>). Another user's rule is never found.
/// </summary>
internal static class AlertRulesApi
{
    public const int DefaultAlertLimit = 100;
    public const int MaxAlertLimit = 1000;

    public static IEndpointRouteBuilder MapAlertRulesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var alerts = app.MapGroup("/alerts");
        alerts.MapGet("", OverviewAsync).RequireScopes(DeviceScopes.RulesRead);
        alerts.MapGet("/rules", ListAsync).RequireScopes(DeviceScopes.RulesRead);
        alerts.MapPost("/rules", CreateAsync).RequireScopes(DeviceScopes.RulesWrite);
        alerts.MapGet("/rules/{id}", GetAsync).RequireScopes(DeviceScopes.RulesRead);
        alerts.MapPut("/rules/{id}", ReplaceAsync).RequireScopes(DeviceScopes.RulesWrite);
        alerts.MapDelete("/rules/{id}", DeleteAsync).RequireScopes(DeviceScopes.RulesWrite);
        alerts.MapPost("/rules/{id}/secret", RotateSecretAsync).RequireScopes(DeviceScopes.RulesWrite);
        return app;
    }

    public static async Task<Results<Ok<AlertsOverview>, JsonHttpResult<ErrorBody>>> OverviewAsync(
        HttpContext http, [AsParameters] AlertServices services, string? limit)
    {
        var caller = Caller.From(http.User);
        var size = DefaultAlertLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxAlertLimit))
        {
            return JsonBody.Invalid($"'limit' must be a whole number from 1 to {MaxAlertLimit}.");
        }

        var rules = await RuleViewsAsync(services.Db, caller, null, http.RequestAborted);
        var visible = services.Db.Devices.VisibleTo(caller.UserId);
        var alerts = await services.Db.Alerts.AsNoTracking()
            .Where(a => visible.Any(d => d.Id == a.DeviceId))
            .OrderBy(a => a.ResolvedAt != null)
            .ThenByDescending(a => a.Id)
            .Take(size)
            .ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new AlertsOverview(rules, alerts.Select(AlertView.From).ToList()));
    }

    public static async Task<Ok<AlertRuleListView>> ListAsync(HttpContext http, [AsParameters] AlertServices services) =>
        TypedResults.Ok(new AlertRuleListView(await RuleViewsAsync(services.Db, Caller.From(http.User), null, http.RequestAborted)));

    public static async Task<Results<Ok<AlertRuleView>, JsonHttpResult<ErrorBody>>> GetAsync(HttpContext http, [AsParameters] AlertServices services, string id)
    {
        var caller = Caller.From(http.User);
        var views = AlertRuleId.IsValid(id) ? await RuleViewsAsync(services.Db, caller, id, http.RequestAborted) : [];
        return views is [var view] ? TypedResults.Ok(view) : AlertErrors.RuleNotFound();
    }

    public static async Task<Results<Created<AlertRuleView>, JsonHttpResult<ErrorBody>>> CreateAsync(HttpContext http, [AsParameters] AlertServices services)
    {
        var caller = Caller.From(http.User);
        var (request, error) = await services.Body.ReadAsync(http.Request, AlertsJsonContext.Default.AlertRuleRequest);
        if (error is not null)
        {
            return error;
        }

        if (AlertRuleRules.Check(request!, services.AllowsInsecureWebhooks()) is { } problem)
        {
            return JsonBody.Invalid(problem);
        }

        if (await services.Db.AlertRules.CountAsync(r => r.OwnerId == caller.UserId, http.RequestAborted) >= services.Options.Value.MaxRulesPerUser)
        {
            return AlertErrors.TooManyRules(services.Options.Value.MaxRulesPerUser);
        }

        var now = StoredTime.Now(services.Time);
        var rule = new AlertRule { Id = AlertRuleId.New(), OwnerId = caller.UserId, Name = "", Metric = "", CreatedAt = now, UpdatedAt = now };
        AlertRuleRules.Apply(request!, rule);
        rule.WebhookSecret = rule.ChannelType == AlertChannelType.Webhook ? WebhookSignature.NewSecret() : null;
        services.Db.AlertRules.Add(rule);
        await services.Db.SaveChangesAsync(http.RequestAborted);
        services.Rules.Invalidate();
        return TypedResults.Created($"/alerts/rules/{rule.Id}", AlertRuleView.From(rule) with { State = new RuleStateView(0), Secret = rule.WebhookSecret });
    }

    /// <summary>
    /// Replaces the rule. When what it watches changes (metric, condition, selector) or it is disabled, its firing
    /// alerts are closed without notifications: the rule starts over with the next readings.
    /// </summary>
    public static async Task<Results<Ok<AlertRuleView>, JsonHttpResult<ErrorBody>>> ReplaceAsync(
        HttpContext http, [AsParameters] AlertServices services, string id)
    {
        var caller = Caller.From(http.User);
        var (request, error) = await services.Body.ReadAsync(http.Request, AlertsJsonContext.Default.AlertRuleRequest);
        if (error is not null)
        {
            return error;
        }

        if (AlertRuleRules.Check(request!, services.AllowsInsecureWebhooks()) is { } problem)
        {
            return JsonBody.Invalid(problem);
        }

        var rule = await FindAsync(services.Db, caller, id, http.RequestAborted);
        if (rule is null)
        {
            return AlertErrors.RuleNotFound();
        }

        var before = Watched(rule);
        AlertRuleRules.Apply(request!, rule);
        string? newSecret = null;
        if (rule.ChannelType == AlertChannelType.Webhook && rule.WebhookSecret is null)
        {
            rule.WebhookSecret = newSecret = WebhookSignature.NewSecret();
        }
        else if (rule.ChannelType != AlertChannelType.Webhook)
        {
            rule.WebhookSecret = null;
        }

        var now = StoredTime.Now(services.Time);
        rule.UpdatedAt = now;
        await using (var transaction = await services.Db.Database.BeginTransactionAsync(http.RequestAborted))
        {
            await services.Db.SaveChangesAsync(http.RequestAborted);
            if (!rule.Enabled || Watched(rule) != before)
            {
                await services.Db.Alerts.Where(a => a.RuleId == rule.Id && a.ResolvedAt == null)
                    .ExecuteUpdateAsync(a => a.SetProperty(x => x.ResolvedAt, now), http.RequestAborted);
            }

            await transaction.CommitAsync(http.RequestAborted);
        }

        services.Rules.Invalidate();
        var view = (await RuleViewsAsync(services.Db, caller, rule.Id, http.RequestAborted)).Single();
        return TypedResults.Ok(view with { Secret = newSecret });
    }

    public static async Task<Results<NoContent, JsonHttpResult<ErrorBody>>> DeleteAsync(HttpContext http, [AsParameters] AlertServices services, string id)
    {
        var rule = await FindAsync(services.Db, Caller.From(http.User), id, http.RequestAborted);
        if (rule is null)
        {
            return AlertErrors.RuleNotFound();
        }

        // Its alerts and undelivered notifications go with it (cascade).
        services.Db.AlertRules.Remove(rule);
        await services.Db.SaveChangesAsync(http.RequestAborted);
        services.Rules.Invalidate();
        return TypedResults.NoContent();
    }

    /// <summary>A new webhook signing secret, shown once; deliveries from now on (retries included) are signed with it.</summary>
    public static async Task<Results<Ok<WebhookSecretView>, JsonHttpResult<ErrorBody>>> RotateSecretAsync(
        HttpContext http, [AsParameters] AlertServices services, string id)
    {
        var rule = await FindAsync(services.Db, Caller.From(http.User), id, http.RequestAborted);
        if (rule is null)
        {
            return AlertErrors.RuleNotFound();
        }

        if (rule.ChannelType != AlertChannelType.Webhook)
        {
            return JsonBody.Invalid("Only a rule with a webhook channel has a signing secret.");
        }

        rule.WebhookSecret = WebhookSignature.NewSecret();
        rule.UpdatedAt = StoredTime.Now(services.Time);
        await services.Db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Ok(new WebhookSecretView(rule.Id, rule.WebhookSecret));
    }

    private static Task<AlertRule?> FindAsync(DeviceEdgeDbContext db, Caller caller, string id, CancellationToken cancellationToken) =>
        AlertRuleId.IsValid(id)
            ? db.AlertRules.FirstOrDefaultAsync(r => r.Id == id && r.OwnerId == caller.UserId, cancellationToken)
            : Task.FromResult<AlertRule?>(null);

    /// <summary>The caller's rules (or the one with <paramref name="id"/>), each with how many alerts fire on devices the caller sees.</summary>
    private static async Task<List<AlertRuleView>> RuleViewsAsync(DeviceEdgeDbContext db, Caller caller, string? id, CancellationToken cancellationToken)
    {
        var rules = await db.AlertRules.AsNoTracking()
            .Where(r => r.OwnerId == caller.UserId && (id == null || r.Id == id))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .ToListAsync(cancellationToken);
        var visible = db.Devices.VisibleTo(caller.UserId);
        var firing = await db.Alerts.AsNoTracking()
            .Where(a => a.ResolvedAt == null && (id == null || a.RuleId == id)
                && db.AlertRules.Any(r => r.Id == a.RuleId && r.OwnerId == caller.UserId)
                && visible.Any(d => d.Id == a.DeviceId))
            .GroupBy(a => a.RuleId)
            .Select(g => new { RuleId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.RuleId, g => g.Count, StringComparer.Ordinal, cancellationToken);
        return rules.Select(r => AlertRuleView.From(r) with { State = new RuleStateView(firing.GetValueOrDefault(r.Id)) }).ToList();
    }

    /// <summary>What decides whether and where the rule fires; a change of any of it restarts the rule's alerts.</summary>
    private static string Watched(AlertRule rule) => string.Join('\n',
        rule.Metric, AlertOperators.Symbol(rule.Operator), rule.Threshold.ToString("R", CultureInfo.InvariantCulture),
        rule.Hysteresis.ToString("R", CultureInfo.InvariantCulture), string.Join(',', rule.DeviceIds), rule.DeviceType, string.Join(',', rule.Tags));
}
