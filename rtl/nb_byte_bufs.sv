// The two int8 activation buffers with their ports: the write port's
// decode (nb_byte_wfront) and the banks with the shared read port
// (nb_byte_banks). nb_top uses the two parts itself, to share one decode
// between the copies of the banks; this composition is the cell its
// randomized testbench (dv/tb_byte_bufs.cpp) checks.
module nb_byte_bufs #(
  parameter int Banks = 32,    // power of two
  parameter int Depth = 2048,  // rows per bank, power of two
  parameter int WUnits = 8     // bytes of a write run, at most Banks
) (
  input  logic                   clk_i,
  input  logic                   re_i,
  input  logic                   rsel_i,     // buffer read
  input  logic [31:0]            raddr_i,    // byte address of the run's byte 0
  output logic [Banks*8-1:0]     rdata_o,    // the cycle after re_i; byte 0 in the low bits
  input  logic                   we_i,
  input  logic                   wsel_i,     // buffer written
  input  logic [31:0]            waddr_i,
  input  logic [WUnits*8-1:0]    wdata_i,
  input  logic [WUnits-1:0]      wmask_i     // byte k written when wmask_i[k]
);
  localparam int LD = $clog2(Depth);
  logic [Banks-1:0] wen;
  logic [Banks*LD-1:0] wrow;
  logic [Banks*8-1:0] wbyte;
  nb_byte_wfront #(.Banks(Banks), .Depth(Depth), .WUnits(WUnits)) u_wfront (
    .we_i, .waddr_i, .wdata_i, .wmask_i, .wen_o(wen), .wrow_o(wrow), .wbyte_o(wbyte));
  nb_byte_banks #(.Banks(Banks), .Depth(Depth)) u_banks (
    .clk_i, .re_i, .rsel_i, .raddr_i, .rdata_o, .wsel_i, .wen_i(wen), .wrow_i(wrow), .wbyte_i(wbyte));
endmodule
