#!/usr/bin/perl
# mpirun-messages.pl NOTICE_FILE: passes mpirun's standard error through, minus Open MPI's own messages.
#
# run.sh launches mpirun without --quiet, which would also hide the one message worth having: which rank
# died, on which host, of which signal. Everything else Open MPI says here is noise around the ranks' own
# one-sentence messages, and goes: its help blocks (between lines of dashes), "mpirun: Forwarding signal",
# "N total processes killed", and its internal logs ("[host:pid] …", and "[host][[job,1],rank][file:line] …"
# from a surviving rank whose peer vanished). From a block that says a rank died of a signal, the rank,
# host and signal go to NOTICE_FILE as one line ("RANK HOST SIGNAL NAME"), for run.sh to say in its own
# sentence.
#
# The ranks' text passes at once, a partial line included (progress redrawn in place with carriage
# returns); only a partial line that may be the start of a line of dashes waits for its end.
use strict;
use warnings;

my $notice_file = shift @ARGV // die "usage: mpirun-messages.pl NOTICE_FILE\n";
$| = 1;
my $pending = '';      # bytes read and not yet passed on or dropped
my $in_block = 0;      # inside a help block
my @block;             # the block's lines so far
my $mid_line = 0;      # a partial line was passed on: what follows, up to its end, belongs to it

sub is_dashes { return $_[0] =~ /^-{20,}$/ }

sub close_block {
    my $text = join "\n", @block;
    if ($text =~ /process rank (\d+) with PID \d+ on node (\S+) exited on signal (\d+) \(([^)]*)\)/) {
        if (open my $out, '>>', $notice_file) { print {$out} "$1 $2 $3 $4\n"; close $out; }
    }
    @block = ();
}

sub take_line {
    my ($line) = @_;
    (my $bare = $line) =~ s/\r?\n$//;
    if (is_dashes($bare)) {
        if ($in_block) { close_block(); $in_block = 0; } else { $in_block = 1; }
    } elsif ($in_block) {
        push @block, $bare;
    } elsif ($bare =~ /^mpirun: Forwarding signal \d+ to job$/ || $bare =~ /^\[[^\]\s]+:\d+\] /
             || $bare =~ /^\[[^\]\s]+\]\[\[\d+,\d+\],\d+\]\[/
             || $bare =~ /^\d+ total processes? killed \(some possibly by mpirun during cleanup\)$/) {
        # Open MPI's own chatter.
    } else {
        print STDERR $line;
    }
}

while (sysread(STDIN, my $chunk, 65536)) {
    $pending .= $chunk;
    if ($mid_line && $pending =~ s/^([^\n]*\n?)//) {
        print STDERR $1;
        $mid_line = substr($1, -1) ne "\n";
    }
    while ($pending =~ s/^([^\n]*\n)//) { take_line($1); }
    # A partial line: pass it on now unless it may become a line of dashes or belongs to a block.
    if ($pending ne '' && !$in_block && $pending !~ /^-*$/ && $pending !~ /^[\[\d]/ && $pending !~ /^mpirun:/) {
        print STDERR $pending;
        $pending = '';
        $mid_line = 1;
    }
}
print STDERR $pending if $pending ne '' && !$in_block && !is_dashes($pending);
