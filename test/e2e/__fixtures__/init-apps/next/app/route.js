// answered per request, not prerendered at build time: the uid is the runtime's
export const dynamic = 'force-dynamic';

export function GET() {
  return new Response(`hello from next as uid ${process.getuid()}\n`);
}
