namespace KestrelTcp.Server.Security;

/// <summary>What an audit record is about.</summary>
public enum AuditAction
{
    /// <summary>A sign-in attempt.</summary>
    Login,

    /// <summary>A sign-out.</summary>
    Logout,

    /// <summary>A payload sent to named sessions.</summary>
    Send,

    /// <summary>A payload sent to every session of a listener.</summary>
    Broadcast,

    /// <summary>Sessions disconnected by an operator.</summary>
    Kick,

    /// <summary>A node drain (<c>POST /api/nodes/{name}/drain</c>).</summary>
    Drain,

    /// <summary>A session named as a device by hand (<c>PUT /api/sessions/{id}/device</c>).</summary>
    NameDevice,

    /// <summary>A device's alias, tags or notes edited (<c>PATCH /api/devices/{id}</c>).</summary>
    UpdateDevice,

    /// <summary>A device forgotten (<c>DELETE /api/devices/{id}</c>).</summary>
    ForgetDevice,

    /// <summary>A payload queued for an offline device (<c>POST /api/devices/{id}/send</c> with <c>"queue": true</c>).</summary>
    QueueSend,

    /// <summary>Messages waiting for a device cancelled (<c>DELETE /api/devices/{id}/pending</c>).</summary>
    CancelPending,

    /// <summary>An auto-reply rule created (<c>POST /api/rules</c>).</summary>
    CreateRule,

    /// <summary>An auto-reply rule replaced, enabled or disabled (<c>PUT /api/rules/{id}</c>, <c>POST /api/rules/{id}/enable|disable</c>).</summary>
    UpdateRule,

    /// <summary>An auto-reply rule deleted (<c>DELETE /api/rules/{id}</c>).</summary>
    DeleteRule,

    /// <summary>A listener's auto-reply rules reordered (<c>POST /api/rules/reorder</c>).</summary>
    ReorderRules,

    /// <summary>An outbound connection added (<c>POST /api/connections</c>).</summary>
    AddConnection,

    /// <summary>An outbound connection's dialing resumed (<c>POST /api/connections/{name}/start</c>).</summary>
    StartConnection,

    /// <summary>An outbound connection stopped (<c>POST /api/connections/{name}/stop</c>).</summary>
    StopConnection,

    /// <summary>An outbound connection removed (<c>DELETE /api/connections/{name}</c>).</summary>
    RemoveConnection,

    /// <summary>A session's recording started (<c>POST /api/sessions/{id}/recording</c>).</summary>
    StartRecording,

    /// <summary>A session's recording stopped (<c>DELETE /api/sessions/{id}/recording</c>).</summary>
    StopRecording,

    /// <summary>A recording deleted (<c>DELETE /api/recordings/{name}</c>).</summary>
    DeleteRecording,

    /// <summary>A recording replayed to a session (<c>POST /api/recordings/{name}/replay</c>).</summary>
    ReplayRecording,

    /// <summary>A schedule created, replaced, started, stopped or deleted (<c>/api/schedules</c>).</summary>
    ChangeSchedule,

    /// <summary>A webhook endpoint added or removed (<c>/api/webhooks</c>).</summary>
    ChangeWebhook,
}
