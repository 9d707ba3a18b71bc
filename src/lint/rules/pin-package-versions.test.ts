import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './pin-package-versions.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 ./local.deb\n',
    'FROM debian:12\nRUN apt-get -o Dpkg::Options::=--force-confnew install -y -t bookworm-backports golang=2:1.21~2\n',
    'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps curl=8.9.1-r0 gcc~13\n',
    'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt requests==2.32.3 "flask>=3" . ./pkg/ dist/x.whl\n',
    'FROM node:20\nRUN npm install -g typescript@5.6.3 @angular/cli@18 ./local-dir && npm ci && npm install\n',
    'FROM ruby:3\nRUN gem install bundler:2.5.22 && gem install -v 1.2 rake\n',
    'FROM debian:12\nRUN apt-get install -y "$PACKAGES"\n',
    'FROM rockylinux:9\nRUN yum install -y --enablerepo crb httpd-2.4.62 ./local.rpm && yum clean all\n',
    'FROM fedora:40\nRUN dnf install -y --setopt=install_weak_deps=False curl-8.6.0 "python3 >= 3.12" && microdnf install -y tar-1.34\n',
    'FROM opensuse/leap:15.6\nRUN zypper --non-interactive install -y -r oss curl=8.6.0 "git>=2.43" && zypper in -y vim=9.1\n',
    'FROM golang:1.23\nRUN go install -ldflags=-s golang.org/x/tools/gopls@v0.16.2 ./cmd/app . && go install std\n',
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl ca-certificates=20230311\n', errors: [{ messageId: 'unpinned', line: 2, column: 42, severity: 'info' }] },
    { code: 'FROM alpine:3.20\nRUN apk add --no-cache -t .deps curl\n', errors: ['unpinned'] },
    // the pin shown is the package reported, in its manager's syntax
    {
      code: 'FROM debian:12\nRUN apt-get install -y curl python3\n',
      errors: [
        { messageId: 'unpinned', message: '`apt-get install` installs `curl` without a version, so rebuilds may get another one; pin it (`curl=VERSION`) or accept the drift knowingly.' },
        { messageId: 'unpinned', message: '`apt-get install` installs `python3` without a version, so rebuilds may get another one; pin it (`python3=VERSION`) or accept the drift knowingly.' },
      ],
    },
    { code: 'FROM python:3.12\nRUN pip install -r requirements.txt requests flask==3.0.3\n', errors: [{ messageId: 'unpinned', message: '`pip install` installs `requests` without a version, so rebuilds may get another one; pin it (`requests==VERSION`) or accept the drift knowingly.' }] },
    { code: 'FROM node:20\nRUN npm install -g typescript @angular/cli\n', errors: ['unpinned', 'unpinned'] },
    { code: 'FROM ruby:3\nRUN gem install bundler\n', errors: ['unpinned'] },
    { code: 'FROM rockylinux:9\nRUN yum install -y --enablerepo crb httpd\n', errors: [{ messageId: 'unpinned', line: 2, column: 37 }] },
    { code: 'FROM fedora:40\nRUN dnf install -y curl && microdnf install -y tar gzip-1.13\n', errors: ['unpinned', 'unpinned'] },
    { code: 'FROM opensuse/leap:15.6\nRUN zypper -n in -t package curl git=2.43\n', errors: ['unpinned'] },
    { code: 'FROM golang:1.23\nRUN go install example.com/pkg && go install golang.org/x/tools/gopls@latest\n', errors: ['unpinned', { messageId: 'unpinned', message: '`go install` installs `golang.org/x/tools/gopls@latest` without a version, so rebuilds may get another one; pin it (`golang.org/x/tools/gopls@vVERSION`) or accept the drift knowingly.' }] },
  ],
});
