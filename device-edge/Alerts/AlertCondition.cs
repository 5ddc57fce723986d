namespace Facade.DeviceEdge.Alerts;

/// <summary>How a rule compares a metric with its threshold.</summary>
internal enum AlertOperator
{
    GreaterThan = 1,
    GreaterThanOrEqual = 2,
    LessThan = 3,
    LessThanOrEqual = 4,
}

internal static class AlertOperators
{
    public const string Allowed = "'>', '>=', '<' or '<='";

    public static string Symbol(AlertOperator op) => op switch
    {
        AlertOperator.GreaterThan => ">",
        AlertOperator.GreaterThanOrEqual => ">=",
        AlertOperator.LessThan => "<",
        AlertOperator.LessThanOrEqual => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static AlertOperator? Parse(string? symbol) => symbol switch
    {
        ">" => AlertOperator.GreaterThan,
        ">=" => AlertOperator.GreaterThanOrEqual,
        "<" => AlertOperator.LessThan,
        "<=" => AlertOperator.LessThanOrEqual,
        _ => null,
    };
}

/// <summary>
/// A rule's condition with hysteresis. It fires when the value meets the condition (<c>temperature &gt; 30</c>) and
/// resolves only once the value is back past the threshold by the hysteresis (<c>≤ 29</c> with hysteresis 1), so a
/// value wandering inside the band (29, 30] changes nothing in either state: no flapping.
/// </summary>
internal readonly record struct AlertCondition(AlertOperator Operator, double Threshold, double Hysteresis)
{
    public bool Fires(double value) => Operator switch
    {
        AlertOperator.GreaterThan => value > Threshold,
        AlertOperator.GreaterThanOrEqual => value >= Threshold,
        AlertOperator.LessThan => value < Threshold,
        _ => value <= Threshold,
    };

    /// <summary>For a firing alert: the value is back past the threshold by the hysteresis (with 0, simply no longer firing).</summary>
    public bool Resolves(double value) => Operator switch
    {
        AlertOperator.GreaterThan => value <= Threshold - Hysteresis,
        AlertOperator.GreaterThanOrEqual => value < Threshold - Hysteresis,
        AlertOperator.LessThan => value >= Threshold + Hysteresis,
        _ => value > Threshold + Hysteresis,
    };

    /// <summary>The next state: firing stays firing until it resolves, quiet stays quiet until it fires.</summary>
    public bool Next(bool firing, double value) => firing ? !Resolves(value) : Fires(value);
}
