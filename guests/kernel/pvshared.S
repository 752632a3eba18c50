# pvshared.S — the shared info page (docs/pv-abi.md, PV_SHARED_* layout), in both builds with
# the paravirtual drivers: registered with HC_SET_SHARED_INFO at boot by pvdrivers.S (its
# physical address is its kernel address). In the paravirt build the hypervisor reads the
# guest-writable words at every exit and writes them all before every entry, and pv.S places
# the kernel's own PV words in the rest of the page (it is included right after this file); in
# the pvio build only the events word is used (the device event bits, which the hypervisor sets
# and pvdrivers.S's pv_external_intr takes).

        .bss
        .balign PAGE_SIZE
        .globl pv_shared
pv_shared:
        .space  (PV_SHARED_SIZE + 3) & ~3
