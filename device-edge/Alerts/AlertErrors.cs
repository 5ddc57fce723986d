using Facade.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Facade.DeviceEdge.Alerts;

/// <summary>The alert API's error answers. Another user's rule is 404, exactly like one that does not exist.</summary>
internal static class AlertErrors
{
    public static JsonHttpResult<ErrorBody> RuleNotFound() =>
        JsonErrors.Typed(StatusCodes.Status404NotFound, "not_found", "No alert rule with this id.");

    public static JsonHttpResult<ErrorBody> TooManyRules(int limit) =>
        JsonErrors.Typed(StatusCodes.Status409Conflict, "conflict", $"You have {limit} alert rules, the most allowed; delete one first.");
}
