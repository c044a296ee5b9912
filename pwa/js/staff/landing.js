/** Where each role starts after signing in: admins and coordinators in the workspace. */
const LANDING = {
  admin: '/workspace/',
  coordinator: '/workspace/',
  facilitator: '/console/',
  analyst: '/dashboard/',
};

export function landingPath(role) {
  return LANDING[role] || '/console/';
}
