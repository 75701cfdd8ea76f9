import { useState, type FormEvent } from "react";
import { api, forgetCsrfToken } from "../api/client";
import { Link, navigate, useLocation } from "../router";
import { useSession } from "../session";

function useAuthForm(submit: (form: FormData) => Promise<unknown>) {
  const { reload } = useSession();
  const { query } = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await submit(new FormData(e.currentTarget));
      forgetCsrfToken();
      await reload();
      navigate(query.get("next") ?? "/");
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, onSubmit, query };
}

export function SignIn() {
  const { error, busy, onSubmit, query } = useAuthForm((f) =>
    api("post", "/api/app/auth/sign-in", { body: { email: String(f.get("email")), password: String(f.get("password")) } }));
  return (
    <div className="auth">
      <h1>Sign in</h1>
      <form onSubmit={onSubmit}>
        <label>Email<input name="email" type="email" autoComplete="email" required defaultValue={query.get("email") ?? ""} /></label>
        <label>Password<input name="password" type="password" autoComplete="current-password" required /></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button disabled={busy}>Sign in</button>
      </form>
      <p>No account yet? <Link to={`/auth/sign-up${window.location.search}`}>Sign up</Link></p>
    </div>
  );
}

export function SignUp() {
  const { error, busy, onSubmit, query } = useAuthForm((f) =>
    api("post", "/api/app/auth/sign-up", { body: { name: String(f.get("name")), email: String(f.get("email")), password: String(f.get("password")) } }));
  return (
    <div className="auth">
      <h1>Create an account</h1>
      <form onSubmit={onSubmit}>
        <label>Name<input name="name" autoComplete="name" required /></label>
        <label>Email<input name="email" type="email" autoComplete="email" required defaultValue={query.get("email") ?? ""} /></label>
        <label>Password<input name="password" type="password" autoComplete="new-password" required minLength={8} /></label>
        <p className="hint">At least 8 characters, with a letter, a digit and a symbol.</p>
        {error && <p className="error" role="alert">{error}</p>}
        <button disabled={busy}>Sign up</button>
      </form>
      <p>Have an account? <Link to={`/auth/sign-in${window.location.search}`}>Sign in</Link></p>
    </div>
  );
}
