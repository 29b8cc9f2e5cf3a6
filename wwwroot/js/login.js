// The sign-in page: posts the form as JSON to /auth/login and goes back to where the user was going.
// Messages are set with textContent only. Without script, the form posts itself and the server
// answers with redirects, which this module also explains (?error=...).

const form = document.getElementById("login-form");
const userName = document.getElementById("user-name");
const password = document.getElementById("password");
const submit = document.getElementById("login-submit");
const submitLabel = submit.querySelector(".login-submit-label");
const errorBox = document.getElementById("login-error");
const returnField = document.getElementById("return-url");

const params = new URLSearchParams(window.location.search);
const returnUrl = localPath(params.get("returnUrl"));
returnField.value = returnUrl;

/**
 * Only a path on this server: never another host, and never this page again. The string is parsed the
 * way the browser will follow it (which drops tabs and line feeds, so "/\t/evil" becomes "//evil") and
 * the parsed origin is compared, not the text.
 */
function localPath(value) {
  if (!value) {
    return "/";
  }
  let url;
  try {
    url = new URL(value, window.location.origin);
  } catch {
    return "/";
  }
  if (url.origin !== window.location.origin || url.pathname.startsWith("/login.html")) {
    return "/";
  }
  return url.pathname + url.search + url.hash;
}

function minutes(seconds) {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return m === 1 ? "1 minute" : `${m} minutes`;
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
  password.setAttribute("aria-invalid", "true");
}

function clearError() {
  errorBox.hidden = true;
  errorBox.textContent = "";
  password.removeAttribute("aria-invalid");
}

function setBusy(busy) {
  submit.disabled = busy;
  submit.setAttribute("aria-busy", busy ? "true" : "false");
  submitLabel.textContent = busy ? "Signing in…" : "Sign in";
}

async function problemDetail(response) {
  try {
    const problem = await response.json();
    return typeof problem.detail === "string" ? problem.detail : null;
  } catch {
    return null;
  }
}

async function signIn(event) {
  event.preventDefault();
  clearError();
  if (!userName.value.trim() || !password.value) {
    showError("Enter your user name and password.");
    (userName.value.trim() ? password : userName).focus();
    return;
  }

  setBusy(true);
  try {
    const response = await fetch("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ userName: userName.value.trim(), password: password.value }),
    });

    if (response.ok) {
      window.location.replace(returnUrl);
      return;
    }

    const detail = await problemDetail(response);
    if (response.status === 401) {
      showError("The user name or password is not correct.");
    } else if (response.status === 429) {
      const retry = Number(response.headers.get("Retry-After"));
      showError(detail ?? `Too many failed sign-ins. Try again in ${minutes(retry || 600)}.`);
    } else if (response.status === 403) {
      showError(detail ?? "This page's address is not allowed to sign in to this server.");
    } else {
      showError(detail ?? `Sign-in failed (HTTP ${response.status}).`);
    }
    password.value = "";
    password.focus();
  } catch {
    showError("The server cannot be reached. Check that it is running and try again.");
  } finally {
    setBusy(false);
  }
}

function explainRedirect() {
  switch (params.get("error")) {
    case "invalid":
      showError("The user name or password is not correct.");
      break;
    case "locked":
      showError(`Too many failed sign-ins for this user name. It is locked; try again in ${minutes(Number(params.get("retryAfter")) || 600)}.`);
      break;
    case "missing":
      showError("Enter your user name and password.");
      break;
    default:
      break;
  }
}

// Already signed in (for example, a second tab): go straight on.
async function skipIfSignedIn() {
  try {
    const response = await fetch("/auth/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.ok) {
      window.location.replace(returnUrl);
    }
  } catch {
    // Not reachable yet: the form stays, and submitting explains.
  }
}

form.addEventListener("submit", signIn);
explainRedirect();
userName.focus();
skipIfSignedIn();
