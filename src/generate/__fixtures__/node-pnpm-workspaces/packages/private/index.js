console.log('not a member');
