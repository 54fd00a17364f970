// The memory port's arbiter: one request per cycle from three requesters,
// the memory loader's reads first (the tile loader may be prefetching the
// next layer while the controller writes the dump), then the controller's
// writes: a layer's dump beats or its performance record words (the two are
// never requested together). Each requester's request is valid / ready:
// its grant (gnt) is the port's ready when no requester before it asks.
module nb_mem_arbiter (
  input  logic        clk_i,     // the checks' clock only
  input  logic        rst_ni,
  // the memory loader's reads
  input  logic        rd_req_i,
  input  logic [31:0] rd_addr_i,
  output logic        rd_gnt_o,
  // dump writes
  input  logic        dump_req_i,
  input  logic [31:0] dump_addr_i,
  input  logic [63:0] dump_data_i,
  output logic        dump_gnt_o,
  // performance record writes
  input  logic        rec_req_i,
  input  logic [31:0] rec_addr_i,
  input  logic [63:0] rec_data_i,
  output logic        rec_gnt_o,
  // the memory port
  output logic        mem_req_valid_o,
  input  logic        mem_req_ready_i,
  output logic [31:0] mem_req_addr_o,
  output logic        mem_req_we_o,
  output logic [63:0] mem_req_wdata_o
);
  always_comb begin
    mem_req_valid_o = 1'b0;
    mem_req_we_o = 1'b0;
    mem_req_addr_o = '0;
    mem_req_wdata_o = '0;
    if (rd_req_i) begin
      mem_req_valid_o = 1'b1;
      mem_req_addr_o = rd_addr_i;
    end else if (dump_req_i) begin
      mem_req_valid_o = 1'b1;
      mem_req_we_o = 1'b1;
      mem_req_addr_o = dump_addr_i;
      mem_req_wdata_o = dump_data_i;
    end else if (rec_req_i) begin
      mem_req_valid_o = 1'b1;
      mem_req_we_o = 1'b1;
      mem_req_addr_o = rec_addr_i;
      mem_req_wdata_o = rec_data_i;
    end
  end
  assign rd_gnt_o = rd_req_i && mem_req_ready_i;
  assign dump_gnt_o = dump_req_i && !rd_req_i && mem_req_ready_i;
  assign rec_gnt_o = rec_req_i && !rd_req_i && !dump_req_i && mem_req_ready_i;

`ifndef SYNTHESIS
  always_ff @(posedge clk_i)
    if (rst_ni) assert (!(dump_req_i && rec_req_i)) else $error("nb_mem_arbiter: dump and record writes requested together");
`endif
endmodule
