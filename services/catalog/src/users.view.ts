import type { UserRow } from './db';

/** A user as REST API v2 renders it (and as catalog.changes carries it). */
export function userView(user: UserRow, publicUrl: string) {
  return {
    id: user.id,
    type: 'user',
    summary: user.name,
    self: `${publicUrl}/users/${user.id}`,
    html_url: `${publicUrl}/users/${user.id}`,
    name: user.name,
    email: user.email,
    role: user.role,
    time_zone: user.timeZone,
  };
}
