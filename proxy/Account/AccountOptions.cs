using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.Account;

/// <summary><c>Facade:Accounts</c>: users seeded at start (for example the Development demo user) and lockout.</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Facade:Accounts";

    public const string DemoUserName = "demo";
    public const string DemoPassword = "demo-password";

    /// <summary>Failed sign-ins before a user is locked out for <see cref="LockoutDuration"/>.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);
}
