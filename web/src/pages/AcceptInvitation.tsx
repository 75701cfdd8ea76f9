import { useState } from "react";
import { api } from "../api/client";
import { navigate } from "../router";
import { useSession } from "../session";

export function AcceptInvitation({ id }: { id: string }) {
  const { reload } = useSession();
  const [error, setError] = useState<string | null>(null);
  const accept = async () => {
    try {
      await api("post", "/api/app/invitations/{invitationId}/accept", { params: { invitationId: id } });
      await reload();
      navigate("/");
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="auth">
      <h1>Invitation</h1>
      <p>Join the organization that invited you.</p>
      {error && <p className="error" role="alert">{error}</p>}
      <button onClick={accept}>Accept invitation</button>
    </div>
  );
}
