import { Link, workspacePath } from '../router';

export interface Person {
  profileId: string;
  name?: string | undefined;
  email?: string | undefined;
  userId?: string | undefined;
}

/** What a marketer calls someone: their name, else their email, else the site's user id, else the profile id. */
export function personName(p: Person): string {
  return p.name || p.email || p.userId || p.profileId;
}

/** A person in a list: their name linking to the profile, with the email (or user id) beside it. */
export function PersonLink({ workspaceId, person }: { workspaceId: string; person: Person }) {
  const main = personName(person);
  const detail = [person.email, person.userId].find((v) => v && v !== main);
  return (
    <span className="person">
      <Link to={workspacePath(workspaceId, 'profiles', person.profileId)} className={main === person.profileId ? 'mono' : undefined} title={person.profileId}>
        {main}
      </Link>
      {detail && <span className="muted small"> {detail}</span>}
    </span>
  );
}
