// On-chip buffer that reads or writes a run of up to Banks consecutive units
// (bits or bytes) at any unit address in one cycle: Banks single-unit-wide
// banks, unit u in bank u % Banks at row u / Banks, and a rotation. This is
// how the window generator reads a 3-pixel run of a bit-packed row and the
// merge unit writes a tile's outputs, whatever their alignment.
module nb_run_ram #(
  parameter int Banks = 64,     // power of two
  parameter int Depth = 1024,   // rows per bank
  parameter int UnitBits = 8
) (
  input  logic                       clk_i,
  input  logic                       re_i,
  /* verilator lint_off UNUSEDSIGNAL */  // addresses wrap at the buffer size: the top bits are not used
  input  logic [31:0]                raddr_i,   // unit address of unit 0 of the run
  output logic [Banks*UnitBits-1:0]  rdata_o,   // the cycle after re_i; unit 0 in the low bits
  input  logic                       we_i,
  input  logic [31:0]                waddr_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [Banks*UnitBits-1:0]  wdata_i,
  input  logic [Banks-1:0]           wmask_i    // unit k written when wmask_i[k]
);
  localparam int LB = $clog2(Banks);
  localparam int LD = $clog2(Depth);
  logic [LB-1:0] rrot_q;
  logic [UnitBits-1:0] rd_q [Banks];

  for (genvar b = 0; b < Banks; b++) begin : g_bank
    logic [UnitBits-1:0] mem [Depth];
    logic [LB-1:0] rk, wk;         // which unit of the run this bank serves
    logic [LD-1:0] rrow, wrow;     // that unit's row (addresses wrap at the buffer size)
    assign rk = LB'(b) - raddr_i[LB-1:0];
    assign wk = LB'(b) - waddr_i[LB-1:0];
    // Only the bank and row bits of the address take part (addresses wrap
    // at the buffer size).
    /* verilator lint_off UNUSEDSIGNAL */  // the bank bits of the sums are not used
    logic [LB+LD-1:0] ru, wu;
    /* verilator lint_on UNUSEDSIGNAL */
    assign ru = raddr_i[LB+LD-1:0] + (LB+LD)'(rk);
    assign wu = waddr_i[LB+LD-1:0] + (LB+LD)'(wk);
    assign rrow = ru[LB +: LD];
    assign wrow = wu[LB +: LD];
    always_ff @(posedge clk_i) begin
      if (re_i) rd_q[b] <= mem[rrow];
      if (we_i && wmask_i[wk]) mem[wrow] <= wdata_i[32'(wk)*UnitBits +: UnitBits];
    end
  end

  always_ff @(posedge clk_i) if (re_i) rrot_q <= raddr_i[LB-1:0];

  // Unit k of the run sits in bank (addr + k) % Banks.
  always_comb begin
    for (int k = 0; k < Banks; k++) rdata_o[k*UnitBits +: UnitBits] = rd_q[LB'(k) + rrot_q];
  end

  initial begin
    if ((1 << LB) != Banks) $fatal(1, "nb_run_ram: Banks must be a power of two");
    if ((1 << LD) != Depth) $fatal(1, "nb_run_ram: Depth must be a power of two");
  end
endmodule
