#!/usr/bin/perl
# usage: outside.pl ROOT [REALROOT] < strace ; prints write-ish syscalls on paths outside ROOT
my @roots = grep {length} @ARGV;
sub ok { my $p=shift; return 1 if $p =~ m{^/(dev|proc|sys)(/|$)}; return 1 if $p =~ m{^(pipe|socket|anon_inode|TCP|UDP|UNIX|NETLINK)}; 
  for my $r (@roots){ (my $rr=$r)=~s{/+$}{}; return 1 if $p eq $rr || index($p,"$rr/")==0 } return 0 }
while(<>){ my $l=$_; chomp $l; next if $l=~/resumed>/ && $l!~/=\s*\d+</; 
  my ($sc)= $l =~ /^\d+\s+(\w+)\(/; next unless $sc;
  my @paths;
  if ($sc =~ /^(open|openat|openat2|creat)$/) { next unless $l =~ /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_TMPFILE/; 
     if ($l =~ /=\s*\d+<([^>]*)>/) { push @paths,$1 } else { next } }
  elsif ($sc =~ /^(write|pwrite64|writev|pwritev2?|ftruncate|fchmod|fchown|fsetxattr|fallocate|fremovexattr)$/) { my ($p)= $l=~/^\d+\s+\w+\(\d+<([^>]*)>/; push @paths,$p if defined $p }
  elsif ($sc =~ /^(renameat2?|unlinkat|mkdirat|fchmodat|fchownat|symlinkat|linkat|mknodat|utimensat|newfstatat_NO)$/) {
     while ($l =~ /(?:AT_FDCWD|\d+)<([^>]*)>,\s*"([^"]*)"/g) { my ($d,$p)=($1,$2); push @paths, ($p=~m{^/}? $p : "$d/$p") }
     if ($sc eq 'symlinkat' && $l =~ /symlinkat\("[^"]*",\s*(?:AT_FDCWD|\d+)<([^>]*)>,\s*"([^"]*)"/) { @paths=( $2=~m{^/}?$2:"$1/$2") } }
  elsif ($sc =~ /^(rename|unlink|rmdir|mkdir|chmod|chown|lchown|truncate|mount|umount2|symlink|link|mknod|setxattr|lsetxattr|removexattr)$/) { 
     my @s = $l =~ /"([^"]*)"/g; @s = grep { m{^/} } @s; @s = ($s[-1]) if $sc =~ /^(symlink)$/; 
     if ($sc eq 'mount') { @s = ($s[1]) if @s>1 } push @paths,@s }
  else { next }
  for my $p (@paths){ next if ok($p); print "OUTSIDE [$p]: $l\n"; last }
}
