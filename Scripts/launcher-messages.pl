#!/usr/bin/perl
# launcher-messages.pl mpirun NOTICE_FILE | launcher-messages.pl srun: passes the launcher's standard error
# through, minus its own messages.
#
# run.sh launches mpirun without --quiet, which would also hide the one message worth having: which rank
# died, on which host, of which signal. Everything else Open MPI says here is noise around the ranks' own
# one-sentence messages, and goes: its help blocks (between lines of dashes), "mpirun: Forwarding signal",
# "N total processes killed", and its internal logs ("[host:pid] …", and "[host][[job,1],rank][file:line] …"
# from a surviving rank whose peer vanished). From a block that says a rank died of a signal, the rank,
# host and signal go to NOTICE_FILE as one line ("RANK HOST SIGNAL NAME"), for run.sh to say in its own
# sentence. Under srun only srun's "srun: error: NODE: tasks …: Exited with exit code N" lines go, which
# run.sh's exit status says: Open MPI's messages and srun's other errors (a task killed, a node lost) pass,
# as no second launch can show them.
#
# The ranks' text passes at once, a partial line included (progress redrawn in place with carriage
# returns); only a partial line that may be the start of a line of dashes or of a launcher's line waits for
# its end.
use strict;
use warnings;

my $launcher = shift @ARGV // '';
my $notice_file = shift @ARGV // '';
die "usage: launcher-messages.pl mpirun NOTICE_FILE | launcher-messages.pl srun\n"
    unless $launcher eq 'srun' || ($launcher eq 'mpirun' && $notice_file ne '');
my $srun = $launcher eq 'srun';
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

sub is_srun_exit_status { return $_[0] =~ /^srun: error: [^\s:]+: tasks? [\d,-]+: Exited with exit code \d+$/ }

sub is_open_mpi_chatter {
    my ($bare) = @_;
    return $bare =~ /^mpirun: Forwarding signal \d+ to job$/ || $bare =~ /^\[[^\]\s]+:\d+\] /
        || $bare =~ /^\[[^\]\s]+\]\[\[\d+,\d+\],\d+\]\[/
        || $bare =~ /^\d+ total processes? killed \(some possibly by mpirun during cleanup\)$/;
}

sub take_line {
    my ($line) = @_;
    (my $bare = $line) =~ s/\r?\n$//;
    if ($srun) {
        print STDERR $line unless is_srun_exit_status($bare);
    } elsif (is_dashes($bare)) {
        if ($in_block) { close_block(); $in_block = 0; } else { $in_block = 1; }
    } elsif ($in_block) {
        push @block, $bare;
    } elsif (!is_open_mpi_chatter($bare)) {
        print STDERR $line;
    }
}

# Whether a partial line must wait for its end: it may become a line the filter drops.
sub may_be_dropped {
    my ($partial) = @_;
    return $partial =~ /^srun:/ || 'srun:' =~ /^\Q$partial\E/ if $srun;
    return $in_block || $partial =~ /^-*$/ || $partial =~ /^[\[\d]/ || $partial =~ /^mpirun:/;
}

while (sysread(STDIN, my $chunk, 65536)) {
    $pending .= $chunk;
    if ($mid_line && $pending =~ s/^([^\n]*\n?)//) {
        print STDERR $1;
        $mid_line = substr($1, -1) ne "\n";
    }
    while ($pending =~ s/^([^\n]*\n)//) { take_line($1); }
    # A partial line: pass it on now unless it may be dropped once whole.
    if ($pending ne '' && !may_be_dropped($pending)) {
        print STDERR $pending;
        $pending = '';
        $mid_line = 1;
    }
}
print STDERR $pending if $pending ne '' && ($srun || !$in_block && !is_dashes($pending));
