# Sourced by the bench scripts that measure other processes' CPU: `process_ticks PID` prints
# the user and system time PID has used so far, in clock ticks (getconf CLK_TCK a second),
# from /proc; 0 for a process that has ended.
process_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
