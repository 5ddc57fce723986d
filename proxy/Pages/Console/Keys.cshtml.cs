using Facade.Common;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Facade.Proxy.Pages.Console;

/// <summary>
/// <c>/console/keys</c>: the user's live API keys, creating one (the key is in that one answer, never again) and
/// revoking one, through <see cref="ApiKeyStore"/> like <c>/account/keys</c> and the admin command line.
/// </summary>
internal sealed class KeysModel(UserManager<FacadeUser> users, ApiKeyStore store, TimeProvider time) : PageModel
{
    public static IReadOnlyList<(string Value, string Text)> Lifetimes { get; } =
        [("7", "in 7 days"), ("30", "in 30 days"), ("90", "in 90 days"), ("365", "in a year"), ("never", "never")];

    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    /// <summary>API scopes the user may hold, without <c>keys:write</c>: a key that makes keys is for the REST API, not a click.</summary>
    public IReadOnlyList<string> OfferedScopes { get; private set; } = [];

    public ApiKey? Created { get; private set; }

    public string? CreatedKey { get; private set; }

    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true, Name = "revoked")]
    public bool RevokedKey { get; set; }

    [BindProperty]
    public string? Label { get; set; }

    [BindProperty]
    public List<string> Scopes { get; set; } = [];

    [BindProperty]
    public string? Expires { get; set; } = "30";

    [BindProperty]
    public string? Agent { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        RevokedKey = false;
        Error = Validate();
        if (Error is null)
        {
            DateTimeOffset? expires = Expires is { } days && days != "never" ? time.GetUtcNow().AddDays(int.Parse(days, System.Globalization.CultureInfo.InvariantCulture)) : null;
            var (created, key, refusal) = await store.CreateAsync(
                new NewApiKey(user, (Label ?? "").Trim(), [.. Scopes.Distinct(StringComparer.Ordinal)], string.IsNullOrWhiteSpace(Agent) ? null : Agent.Trim(), expires),
                HttpContext.RequestAborted);
            if (refusal is not null)
            {
                Error = refusal.Description;
            }
            else
            {
                (Created, CreatedKey) = (created, key);
                (Label, Scopes, Agent) = (null, [], null);
            }
        }

        // The key goes out in this answer only (no redirect that could carry it, no cache: the layout sets no-store).
        await LoadAsync(user);
        return Page();
    }

    /// <summary>Revokes one of the user's own live keys; another user's key, an unknown or a revoked one is 404.</summary>
    public async Task<IActionResult> OnPostRevokeAsync(string? id)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        if (string.IsNullOrEmpty(id))
        {
            return NotFound();
        }

        var (key, wasLive, _) = await store.RevokeAsync(id, user.Id, HttpContext.RequestAborted);
        return key is not null && wasLive ? RedirectToPage(new { revoked = "true" }) : NotFound();
    }

    private string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Label))
        {
            return "Give the key a label, so you know later what it is for.";
        }

        if (Scopes.Count == 0)
        {
            return "Choose at least one scope.";
        }

        if (Scopes.Any(s => !ScopeCatalog.IsApi(s) || s == ScopeCatalog.KeysWrite))
        {
            return "Choose scopes from the list.";
        }

        return Lifetimes.Any(l => l.Value == Expires) ? null : "Choose when the key expires from the list.";
    }

    private async Task LoadAsync(FacadeUser user)
    {
        Keys = [.. (await store.ListAsync(user.Id, HttpContext.RequestAborted)).Where(k => k.RevokedAt is null)];
        OfferedScopes = [.. ScopeCatalog.Api.Where(s => s != ScopeCatalog.KeysWrite && ScopeAllowance.Permits(user, s))];
    }
}
