import Image from 'next/image';

export default function Home() {
  return <Image src="/logo.png" alt="logo" width={64} height={64} />;
}
