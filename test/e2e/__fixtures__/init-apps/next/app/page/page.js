// a React server component rendered per request: exercises Next's page renderer (react-dom/server) at runtime
export const dynamic = 'force-dynamic';

export default function Page() {
  return <p id="greeting">hello from a next page as uid {process.getuid()}</p>;
}
