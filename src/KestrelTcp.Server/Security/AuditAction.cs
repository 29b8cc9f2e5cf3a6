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

    /// <summary>A schedule created, replaced, started, stopped or deleted (<c>/api/schedules</c>).</summary>
    ChangeSchedule,

    /// <summary>A webhook endpoint added or removed (<c>/api/webhooks</c>).</summary>
    ChangeWebhook,
}
