import { useState, type FormEvent } from "react";
import { api, forgetCsrfToken } from "../api/client";
import { useSession } from "../session";

/** The account: display name and password (a password change ends every other session). */
export function Account() {
  const { session, reload } = useSession();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = (action: (form: FormData) => Promise<unknown>, done: string) => async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    setError(null);
    setMessage(null);
    try {
      await action(new FormData(form));
      form.reset();
      setMessage(done);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="card narrow">
      <h1>Account</h1>
      <p className="muted">{session?.user?.email}</p>
      {message && <p role="status">{message}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <form onSubmit={run(async (f) => { await api("patch", "/api/app/account", { body: { name: String(f.get("name")) } }); await reload(); }, "Name saved.")}>
        <label>Name<input name="name" defaultValue={session?.user?.name ?? ""} required maxLength={100} /></label>
        <button>Save name</button>
      </form>
      <form onSubmit={run(async (f) => {
        await api("post", "/api/app/account/password", { body: { currentPassword: String(f.get("current")), newPassword: String(f.get("next")) } });
        forgetCsrfToken();
      }, "Password changed; other sessions were signed out.")}>
        <label>Current password<input name="current" type="password" autoComplete="current-password" required /></label>
        <label>New password<input name="next" type="password" autoComplete="new-password" required minLength={8} /></label>
        <button>Change password</button>
      </form>
    </div>
  );
}
